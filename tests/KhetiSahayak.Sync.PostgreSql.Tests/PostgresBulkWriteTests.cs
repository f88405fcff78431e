using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Testing;
using Npgsql;
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

        Guid a = Guid.CreateVersion7(), b = Guid.CreateVersion7();
        await using var first = await H.Store.BeginWriteAsync(CancellationToken.None);
        await using var second = await H.Store.BeginWriteAsync(CancellationToken.None);
        await first.InsertNewManyAsync(table, [TranslationRow(a, "first")], CancellationToken.None);
        await second.InsertNewManyAsync(table, [TranslationRow(b, "second")], CancellationToken.None);

        var firstTries = Task.Run(() => first.TryInsertAllNewAsync([new NewRows(table, [TranslationRow(b, "first")])], CancellationToken.None));
        await Task.Delay(200);
        var secondTries = Task.Run(() => second.TryInsertAllNewAsync([new NewRows(table, [TranslationRow(a, "second")])], CancellationToken.None));

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

    [Test]
    public async Task UpsertManyAsync_TwoWritersEachHoldTheOthersNewKey_NeitherFailsAndTheLaterCommitWins()
    {
        // The locked path's bulk write COPies rows whose keys it found unstored straight in. Two of them inserting
        // overlapping new keys in opposite orders deadlock; PostgreSQL aborts one side's COPY. That side rolls its COPY
        // back and writes the same rows by the staged upsert, which waits for the other writer and then overwrites its
        // rows, the outcome a unique violation gives it. Without this, the deadlock victim's whole import would fail.
        var table = H.Catalog["advisory_translation"];

        // A row titled 'slow' takes half a second to insert, so each COPY holds its first key while the other
        // inserts its own first key, then meets it: the cycle forms whatever the thread timing.
        await using (var connection = new NpgsqlConnection(_databases[H.Store].ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                CREATE FUNCTION test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.title = 'slow' THEN PERFORM pg_sleep(0.5); END IF; RETURN NEW; END $$;
                CREATE TRIGGER test_slow_insert BEFORE INSERT ON advisory_translation FOR EACH ROW EXECUTE FUNCTION test_slow_insert();
                """,
                connection);
            await command.ExecuteNonQueryAsync();
        }

        Guid a = Guid.CreateVersion7(), b = Guid.CreateVersion7(), c = Guid.CreateVersion7(), d = Guid.CreateVersion7();
        await using var first = await H.Store.BeginWriteAsync(CancellationToken.None);
        await using var second = await H.Store.BeginWriteAsync(CancellationToken.None);
        var firstWrites = Task.Run(() => first.UpsertManyAsync(table, [TranslationRow(a, "first"), TranslationRow(c, "slow"), TranslationRow(b, "first")], CancellationToken.None));
        var secondWrites = Task.Run(() => second.UpsertManyAsync(table, [TranslationRow(b, "second"), TranslationRow(d, "slow"), TranslationRow(a, "second")], CancellationToken.None));

        // PostgreSQL finds the cycle after deadlock_timeout (1 s) and aborts one COPY; the other then finishes, while
        // the victim's upsert waits for it to commit.
        var survivor = await Task.WhenAny(firstWrites, secondWrites);
        Assert.That(await survivor, Is.EqualTo(3), "the writer whose COPY went on writes its three rows");
        var (survivorSession, victimSession, victim, victimTitle) = survivor == firstWrites ? (first, second, secondWrites, "second") : (second, first, firstWrites, "first");
        Assert.That(victim.IsCompleted, Is.False, "the victim's upsert waits for the survivor's keys");
        await survivorSession.CommitAsync(CancellationToken.None);
        Assert.That(await victim, Is.EqualTo(3), "the victim writes its rows by the staged upsert instead of failing");
        await victimSession.CommitAsync(CancellationToken.None);

        var rows = await H.Store.ReadRowsAsync(table, null, null, CancellationToken.None);
        Assert.That(rows.Select(r => r.Values[0]), Is.EquivalentTo(new object[] { a, b, c, d }));
        Assert.That(rows.Where(r => Equals(r.Values[0], a) || Equals(r.Values[0], b)).Select(r => r.Values[table.Ordinal("title")]), Is.All.EqualTo(victimTitle), "the later commit wins");
    }

    /// <summary>A Marathi translation row of the test catalog with the given key and title.</summary>
    private object?[] TranslationRow(Guid id, string title)
    {
        var table = H.Catalog["advisory_translation"];
        var row = H.Row(table.Name, SyncHarness.Translation(id, "mr-IN", [481], ["SOYBEAN"]));
        row[table.Ordinal("title")] = title;
        return row;
    }

    protected override async Task DestroyStoreAsync(IServerStore store)
    {
        await ((PostgresServerStore)store).DisposeAsync();
        await _databases[store].DisposeAsync();
        _databases.Remove(store);
    }
}
