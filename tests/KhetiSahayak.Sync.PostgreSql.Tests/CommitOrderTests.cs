using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Testing;
using Npgsql;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Sync.PostgreSql.Tests;

/// <summary>
/// Change tracking must not miss a transaction that began earlier but commits after a later one was already pulled:
/// the classic bug of timestamp and sequence cursors. Two real connections make the interleaving happen.
/// </summary>
[TestFixture]
public sealed class CommitOrderTests
{
    [Test]
    public async Task Pull_TransactionCommittingAfterALaterOneWasPulled_IsDeliveredAtTheNextPull()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var store = new PostgresServerStore(db.ConnectionString);
        await using var h = await SyncHarness.CreateAsync(store);
        var farmer = await h.SeedFarmerAsync(481, 4436);
        var toUpdate = Guid.CreateVersion7();
        var toDelete = Guid.CreateVersion7();
        await h.ServerUpsertAsync("farm_plot", Plot(toUpdate, farmer, 1));
        await h.ServerUpsertAsync("farm_plot", Plot(toDelete, farmer, 2));
        var principal = FarmerPrincipal(farmer, Guid.CreateVersion7());
        var device = await h.NewDeviceAsync();
        await h.SyncAsync(device, principal);

        // The early transaction takes its transaction id first and holds it open.
        await using var early = new NpgsqlConnection(db.ConnectionString);
        await early.OpenAsync();
        await using var earlyTx = await early.BeginTransactionAsync();
        var lateInsert = Guid.CreateVersion7();
        await ExecAsync(early, earlyTx, "UPDATE farm_plot SET local_name = 'late edit' WHERE plot_id = @a", ("a", toUpdate));
        await ExecAsync(early, earlyTx, "INSERT INTO farm_plot (plot_id, farmer_id, area_value, area_unit, area_ha) VALUES (@a, @f, 4, 'acre', 1.62)", ("a", lateInsert), ("f", farmer));
        await ExecAsync(early, earlyTx, "DELETE FROM farm_plot WHERE plot_id = @a", ("a", toDelete));

        // A later transaction commits first, and the device pulls it.
        var quick = Guid.CreateVersion7();
        await using (var later = new NpgsqlConnection(db.ConnectionString))
        {
            await later.OpenAsync();
            await ExecAsync(later, null, "INSERT INTO farm_plot (plot_id, farmer_id, area_value, area_unit, area_ha) VALUES (@a, @f, 3, 'acre', 1.21)", ("a", quick), ("f", farmer));
        }

        await h.SyncAsync(device, principal);
        var afterFirst = (await device.ReadAllAsync("farm_plot", CancellationToken.None)).ToDictionary(r => (Guid)r[0]!);
        Assert.That(afterFirst.Keys, Is.EquivalentTo(new[] { toUpdate, toDelete, quick }), "the open transaction is not visible yet");

        await earlyTx.CommitAsync();
        await h.SyncAsync(device, principal);

        var rows = (await device.ReadAllAsync("farm_plot", CancellationToken.None)).ToDictionary(r => (Guid)r[0]!);
        Assert.That(rows.Keys, Is.EquivalentTo(new[] { toUpdate, lateInsert, quick }), "insert and delete of the late commit arrived");
        Assert.That(rows[toUpdate][2], Is.EqualTo("late edit"), "update of the late commit arrived");
    }

    [Test]
    public async Task Delete_PlainSqlDelete_BecomesATombstoneDevicesReceive()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var store = new PostgresServerStore(db.ConnectionString);
        await using var h = await SyncHarness.CreateAsync(store);
        var farmer = await h.SeedFarmerAsync(481, 4436);
        var plot = Guid.CreateVersion7();
        await h.ServerUpsertAsync("farm_plot", Plot(plot, farmer, 1));
        var principal = FarmerPrincipal(farmer, Guid.CreateVersion7());
        var device = await h.NewDeviceAsync();
        await h.SyncAsync(device, principal);

        await using (var conn = new NpgsqlConnection(db.ConnectionString))
        {
            await conn.OpenAsync();
            await ExecAsync(conn, null, "DELETE FROM farm_plot WHERE plot_id = @a", ("a", plot));
            await using var check = new NpgsqlCommand("SELECT _deleted FROM farm_plot WHERE plot_id = @a", conn);
            check.Parameters.AddWithValue("a", plot);
            Assert.That(await check.ExecuteScalarAsync(), Is.True, "the row stays as a tombstone");
        }

        await h.SyncAsync(device, principal);
        Assert.That(await device.ReadAllAsync("farm_plot", CancellationToken.None), Is.Empty);
    }

    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        await cmd.ExecuteNonQueryAsync();
    }
}
