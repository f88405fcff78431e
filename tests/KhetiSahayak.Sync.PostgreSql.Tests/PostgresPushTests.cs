using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Testing;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Sync.PostgreSql.Tests;

/// <summary>
/// Push paths only PostgreSQL can reach: a value the database itself refuses (a NUL character in text, which SQLite
/// stores), so a write fails inside the per-mutation savepoint while the mutations around it go through.
/// </summary>
[TestFixture]
public sealed class PostgresPushTests
{
    [Test]
    public async Task Push_DatabaseRefusesOneWrite_ThatOneRejectedTheOthersAppliedAndReplaysAnswerAlike()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var store = new PostgresServerStore(db.ConnectionString);
        await using var h = await SyncHarness.CreateAsync(store);
        var farmer = await h.SeedFarmerAsync(481, 4436);
        var principal = FarmerPrincipal(farmer, Guid.CreateVersion7());
        var table = h.Catalog["farm_plot"];
        var before = InsertMutation(table, h.Row("farm_plot", Plot(Guid.CreateVersion7(), farmer, 1.5, "before")));
        var refused = InsertMutation(table, h.Row("farm_plot", Plot(Guid.CreateVersion7(), farmer, 2.0, "nul \u0000 inside")));
        var after = InsertMutation(table, h.Row("farm_plot", Plot(Guid.CreateVersion7(), farmer, 2.5, "after")));

        var first = await h.Engine.PushAsync(principal, "farmer", 1, [before, refused, after], CancellationToken.None);
        var replay = await h.Engine.PushAsync(principal, "farmer", 1, [before, refused, after], CancellationToken.None);

        var rows = await store.ReadRowsAsync(table, "farmer_id", farmer, CancellationToken.None);
        var ledger = await store.ReadConflictsAsync(null, 10, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(first.Results.Select(r => r.Status), Is.EqualTo(new[] { MutationStatus.Applied, MutationStatus.Rejected, MutationStatus.Applied }));
            Assert.That(first.Results[1].Code, Is.EqualTo(SyncErrorCodes.WriteFailed));
            Assert.That(first.Results[1].Row!.Absent, Is.True, "nothing of the refused row was written");
            Assert.That(first.Results[2].Row!.Absent, Is.False);
            Assert.That(first.Results[2].Row!.Version, Is.GreaterThan(0), "the applied row's version comes back with it");
            Assert.That(rows.Select(r => r.Values[table.Ordinal("local_name")]), Is.EquivalentTo(new[] { "before", "after" }));
            Assert.That(ledger.Select(c => c.Code), Is.EqualTo(new[] { SyncErrorCodes.WriteFailed }));
            Assert.That(replay.Results.Select(r => (r.Status, r.Code)), Is.EqualTo(first.Results.Select(r => (r.Status, r.Code))), "a replay answers from the mutation log");
            Assert.That(replay.Results.Select(r => r.Row!.Version), Is.EqualTo(first.Results.Select(r => r.Row!.Version)), "and writes nothing again");
        });
    }

    [Test]
    public async Task Push_SameMutationIdTwiceInOnePush_SecondAnsweredAsAReplay()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var store = new PostgresServerStore(db.ConnectionString);
        await using var h = await SyncHarness.CreateAsync(store);
        var farmer = await h.SeedFarmerAsync(481, 4436);
        var principal = FarmerPrincipal(farmer, Guid.CreateVersion7());
        var table = h.Catalog["farm_plot"];
        var insert = InsertMutation(table, h.Row("farm_plot", Plot(Guid.CreateVersion7(), farmer, 1.5, "once")));

        var push = await h.Engine.PushAsync(principal, "farmer", 1, [insert, insert], CancellationToken.None);

        var rows = await store.ReadRowsAsync(table, "farmer_id", farmer, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(push.Results.Select(r => r.Status), Is.All.EqualTo(MutationStatus.Applied));
            Assert.That(push.Results[1].Row!.Values, Is.Not.Null, "a replay carries the row as it is now");
            Assert.That(push.Results[1].Row!.Version, Is.EqualTo(push.Results[0].Row!.Version));
            Assert.That(rows, Has.Count.EqualTo(1));
        });
    }
}
