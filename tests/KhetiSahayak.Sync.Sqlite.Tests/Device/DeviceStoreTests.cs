using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Sync.Sqlite.Tests.Device;

/// <summary>The device replica: triggers capture what the app writes with plain SQL, and nothing sync writes.</summary>
[TestFixture]
public sealed class DeviceStoreTests : DeviceStoreFixture
{
    [Test]
    public async Task Triggers_AppInsertThenUpdate_OnePendingInsertWithTheLatestValues()
    {
        await using var device = await OpenAsync();
        var farmer = Guid.CreateVersion7();
        var plot = Guid.CreateVersion7();
        await DeviceInsertPlotAsync(device, plot, farmer, 1.25);
        await DeviceExecAsync(device, "UPDATE farm_plot SET local_name = 'विहीर' WHERE plot_id = @id", ("@id", plot));

        var pending = await device.GetPendingAsync(10, CancellationToken.None);

        Assert.That(pending, Has.Count.EqualTo(1));
        Assert.That(pending[0].Mutation.Operation, Is.EqualTo(MutationOperation.Insert));
        Assert.That(pending[0].Mutation.Values!["local_name"].GetString(), Is.EqualTo("विहीर"));
        Assert.That(pending[0].Mutation.Values!["area_value"].GetDouble(), Is.EqualTo(1.25));
    }

    [Test]
    public async Task Triggers_UpdateOfSyncedRow_SendsBaseVersionChangedColumnsAndTheirBaseValues()
    {
        await using var device = await OpenAsync();
        var plot = Guid.CreateVersion7();
        var farmer = Guid.CreateVersion7();
        var table = Scope.Tables.Single(t => t.Name == "farm_plot").Table;
        var changes = new TableChanges("farm_plot", table.Columns.Select(c => c.Name).ToArray());
        var values = new object?[table.Columns.Count];
        values[table.Ordinal("plot_id")] = plot;
        values[table.Ordinal("farmer_id")] = farmer;
        values[table.Ordinal("area_value")] = 1.25;
        values[table.Ordinal("area_unit")] = "acre";
        values[table.Ordinal("area_ha")] = 0.5059;
        changes.Upserts.Add(new PulledRow(41, values));
        await device.ApplyPullPageAsync(new PullResponse([changes], "cursor-1", false), CancellationToken.None);
        Assert.That(await device.CountPendingAsync(CancellationToken.None), Is.Zero, "rows written by sync are not local changes");

        await DeviceExecAsync(device, "UPDATE farm_plot SET area_value = 1.5, area_ha = 0.607 WHERE plot_id = @id", ("@id", plot));
        await DeviceExecAsync(device, "UPDATE farm_plot SET area_value = 1.75 WHERE plot_id = @id", ("@id", plot));
        var m = (await device.GetPendingAsync(10, CancellationToken.None)).Single().Mutation;

        Assert.That(m.Operation, Is.EqualTo(MutationOperation.Update));
        Assert.That(m.BaseVersion, Is.EqualTo(41));
        Assert.That(m.Changed, Is.EquivalentTo(new[] { "area_value", "area_ha" }));
        Assert.That(m.Base!["area_value"].GetDouble(), Is.EqualTo(1.25), "the base is the value before the first local edit");
        Assert.That(m.Values!["area_value"].GetDouble(), Is.EqualTo(1.75));
        Assert.That(await device.GetCursorAsync(CancellationToken.None), Is.EqualTo("cursor-1"));
    }

    [Test]
    public async Task GetPending_CalledTwiceWithoutEdits_SameMutationIdSoRetriesAreIdempotent()
    {
        await using var device = await OpenAsync();
        var plot = Guid.CreateVersion7();
        await DeviceInsertPlotAsync(device, plot, Guid.CreateVersion7(), 2);

        var first = (await device.GetPendingAsync(10, CancellationToken.None)).Single().Mutation.Id;
        var again = (await device.GetPendingAsync(10, CancellationToken.None)).Single().Mutation.Id;
        await DeviceExecAsync(device, "UPDATE farm_plot SET soil_type = 'black' WHERE plot_id = @id", ("@id", plot));
        var afterEdit = (await device.GetPendingAsync(10, CancellationToken.None)).Single().Mutation.Id;

        Assert.That(again, Is.EqualTo(first));
        Assert.That(afterEdit, Is.Not.EqualTo(first), "a new edit is a new mutation");
    }

    [Test]
    public async Task Triggers_DeleteOfLocalInsert_BecomesADeleteSoAnInFlightInsertIsUndone()
    {
        await using var device = await OpenAsync();
        var plot = Guid.CreateVersion7();
        await DeviceInsertPlotAsync(device, plot, Guid.CreateVersion7(), 2);
        await DeviceExecAsync(device, "DELETE FROM farm_plot WHERE plot_id = @id", ("@id", plot));

        var m = (await device.GetPendingAsync(10, CancellationToken.None)).Single().Mutation;

        Assert.That(m.Operation, Is.EqualTo(MutationOperation.Delete));
        Assert.That(m.Key, Is.EqualTo(Key(plot)));
    }

    [Test]
    public async Task ApplyPushResults_RowEditedWhileInFlight_KeepsTheNewerEditRebased()
    {
        await using var device = await OpenAsync();
        var plot = Guid.CreateVersion7();
        await DeviceInsertPlotAsync(device, plot, Guid.CreateVersion7(), 2);
        var sent = await device.GetPendingAsync(10, CancellationToken.None);
        await DeviceExecAsync(device, "UPDATE farm_plot SET soil_type = 'red' WHERE plot_id = @id", ("@id", plot));

        await device.ApplyPushResultsAsync(sent, new PushResponse([new MutationResult(sent[0].Mutation.Id, MutationStatus.Applied, null, null, new RowState(77, false, null))]), CancellationToken.None);

        var next = (await device.GetPendingAsync(10, CancellationToken.None)).Single().Mutation;
        Assert.That(next.Operation, Is.EqualTo(MutationOperation.Update), "the row now exists on the server");
        Assert.That(next.BaseVersion, Is.EqualTo(77));
        Assert.That(next.Changed, Is.EqualTo(new[] { "soil_type" }));
    }

    [Test]
    public async Task Open_Twice_ProvisioningIsIdempotentAndKeepsData()
    {
        var plot = Guid.CreateVersion7();
        await using (var device = await OpenAsync())
        {
            await DeviceInsertPlotAsync(device, plot, Guid.CreateVersion7(), 2);
        }

        await using var again = await OpenAsync();
        Assert.That(await again.ReadAllAsync("farm_plot", CancellationToken.None), Has.Count.EqualTo(1));
        Assert.That(await again.CountPendingAsync(CancellationToken.None), Is.EqualTo(1));
    }
}
