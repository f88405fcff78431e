using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Sync.PostgreSql.Tests;

/// <summary>The bulk write suite on PostgreSQL (binary COPY into a staging table, one set-based upsert), each test in its own database.</summary>
[TestFixture]
public sealed class PostgresBulkWriteTests : BulkWriteConformanceTests
{
    private readonly Dictionary<IServerStore, PostgresTestDatabase> _databases = [];

    protected override async Task<IServerStore> CreateStoreAsync()
    {
        var db = await PostgresTestDatabase.CreateAsync();
        var store = new PostgresServerStore(db.ConnectionString);
        _databases[store] = db;
        return store;
    }

    [Test]
    public async Task TryInsertAllNewAsync_TwoWritersEachHoldTheOthersNewKey_NeitherFailsAndEachKeyIsStoredOnce()
    {
        // Two imports inserting overlapping new keys in opposite orders: each holds a key the other then inserts, which
        // PostgreSQL ends as a deadlock, aborting one side's COPY. That side is told some key is taken (false), as a
        // unique violation would tell it, not failed; the other side then meets the first's committed key and is told
        // the same. Without this, the deadlock victim's whole import would fail.
        var table = H.Catalog["advisory_translation"];
        object?[] Row(Guid id, string title)
        {
            var row = H.Row(table.Name, SyncHarness.Translation(id, "mr-IN", [481], ["SOYBEAN"]));
            row[table.Ordinal("title")] = title;
            return row;
        }

        Guid a = Guid.CreateVersion7(), b = Guid.CreateVersion7();
        await using var first = await H.Store.BeginWriteAsync(CancellationToken.None);
        await using var second = await H.Store.BeginWriteAsync(CancellationToken.None);
        await first.InsertNewManyAsync(table, [Row(a, "first")], CancellationToken.None);
        await second.InsertNewManyAsync(table, [Row(b, "second")], CancellationToken.None);

        var firstTries = Task.Run(() => first.TryInsertAllNewAsync([new NewRows(table, [Row(b, "first")])], CancellationToken.None));
        await Task.Delay(200);
        var secondTries = Task.Run(() => second.TryInsertAllNewAsync([new NewRows(table, [Row(a, "second")])], CancellationToken.None));

        // PostgreSQL looks for the cycle after deadlock_timeout (1 s) and aborts one side's statement.
        var victim = await Task.WhenAny(firstTries, secondTries);
        Assert.That(await victim, Is.False, "the writer whose COPY was aborted is told a key is taken");
        var (victimSession, survivorSession, survivor) = victim == firstTries ? (first, second, secondTries) : (second, first, firstTries);
        await victimSession.CommitAsync(CancellationToken.None);
        Assert.That(await survivor, Is.False, "the other writer then meets the victim's committed key");
        await survivorSession.CommitAsync(CancellationToken.None);

        var rows = await H.Store.ReadRowsAsync(table, null, null, CancellationToken.None);
        Assert.That(rows.Select(r => r.Values[0]), Is.EquivalentTo(new object[] { a, b }));
        Assert.That(rows.Single(r => Equals(r.Values[0], a)).Values[table.Ordinal("title")], Is.EqualTo("first"));
        Assert.That(rows.Single(r => Equals(r.Values[0], b)).Values[table.Ordinal("title")], Is.EqualTo("second"));
    }

    protected override async Task DestroyStoreAsync(IServerStore store)
    {
        await ((PostgresServerStore)store).DisposeAsync();
        await _databases[store].DisposeAsync();
        _databases.Remove(store);
    }
}
