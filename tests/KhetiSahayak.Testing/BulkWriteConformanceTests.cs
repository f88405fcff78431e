using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Sync.Stores;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Testing;

/// <summary>
/// The bulk write path of every server store (<see cref="IServerWriteSession.UpsertManyAsync"/> and its companions),
/// checked through real pulls: what it writes is delivered, what it leaves unchanged is not re-stamped, moves are
/// journalled, and a failure leaves nothing. Each store's test project subclasses this.
/// </summary>
public abstract class BulkWriteConformanceTests
{
    private const string Translation = "advisory_translation";

    private SyncHarness? _harness;

    protected SyncHarness H => _harness ?? throw new InvalidOperationException("no harness");

    /// <summary>A new, empty store for one test.</summary>
    protected abstract Task<IServerStore> CreateStoreAsync();

    protected virtual Task DestroyStoreAsync(IServerStore store) => Task.CompletedTask;

    [SetUp]
    public async Task SetUpHarness() => _harness = await SyncHarness.CreateAsync(await CreateStoreAsync());

    [TearDown]
    public async Task TearDownHarness()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
            await DestroyStoreAsync(_harness.Store);
        }
    }

    [Test]
    public async Task UpsertManyAsync_NewRows_AreDeliveredByAPull()
    {
        var (device, principal) = await FarmerDeviceAsync();
        var rows = Enumerable.Range(0, 40).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        var elsewhere = Row(Guid.CreateVersion7(), 532);

        var written = await BulkAsync([.. rows, elsewhere]);
        await H.SyncAsync(device, principal);

        Assert.That(written, Is.EqualTo(41));
        var onDevice = (await device.ReadAllAsync(Translation, CancellationToken.None)).Select(r => (Guid)r[0]!).ToList();
        Assert.That(onDevice, Is.EquivalentTo(rows.Select(r => (Guid)r[0]!)));
    }

    [Test]
    public async Task UpsertManyAsync_UnchangedRewrite_StampsNothingAndAPullFromTheLastCursorIsEmpty()
    {
        var (_, principal) = await FarmerDeviceAsync();
        var rows = Enumerable.Range(0, 30).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        await BulkAsync(rows);
        var cursor = await PullToEndAsync(principal, null);
        var versions = await VersionsAsync();

        var written = await BulkAsync(rows.Select(r => (object?[])r.Clone()).ToList());

        Assert.That(written, Is.Zero);
        Assert.That(await VersionsAsync(), Is.EqualTo(versions));
        var after = await H.Engine.PullAsync(principal, "farmer", 1, cursor, CancellationToken.None);
        Assert.That(after.Changes.Sum(c => c.Upserts.Count + c.Deletes.Count), Is.Zero);
    }

    [Test]
    public async Task UpsertManyAsync_OneRowChanged_OnlyThatRowIsRestampedAndDelivered()
    {
        var (device, principal) = await FarmerDeviceAsync();
        var rows = Enumerable.Range(0, 10).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        await BulkAsync(rows);
        await H.SyncAsync(device, principal);
        var changed = (object?[])rows[3].Clone();
        changed[H.Catalog[Translation].Ordinal("title")] = "नवीन सल्ला";

        var written = await BulkAsync([.. rows.Take(3), changed, .. rows.Skip(4)]);
        var report = await H.SyncAsync(device, principal);

        Assert.That(written, Is.EqualTo(1));
        Assert.That(report.RowsUpserted, Is.EqualTo(1));
        var title = (await device.ReadAllAsync(Translation, CancellationToken.None)).Single(r => Equals(r[0], changed[0]))[H.Catalog[Translation].Ordinal("title")];
        Assert.That(title, Is.EqualTo("नवीन सल्ला"));
    }

    [Test]
    public async Task UpsertManyAsync_FilterColumnChanged_IsJournalledAsAMoveAndTheDeviceOutsideDeletesIt()
    {
        var (device, principal) = await FarmerDeviceAsync();
        var other = await H.SeedFarmerAsync(532, 5000, "mr-IN", "en-IN", "SOYBEAN");
        var otherDevice = await H.NewDeviceAsync();
        var otherPrincipal = FarmerPrincipal(other, Guid.CreateVersion7());
        var stays = Row(Guid.CreateVersion7(), 481);
        var moves = Row(Guid.CreateVersion7(), 481);
        await BulkAsync([stays, moves]);
        await H.SyncAsync(device, principal);
        await H.SyncAsync(otherDevice, otherPrincipal);
        Assert.That(await device.ReadAllAsync(Translation, CancellationToken.None), Has.Count.EqualTo(2));

        var moved = (object?[])moves.Clone();
        moved[H.Catalog[Translation].Ordinal("district_codes")] = "[532]";
        var written = await BulkAsync([stays, moved]);
        var report = await H.SyncAsync(device, principal);
        await H.SyncAsync(otherDevice, otherPrincipal);

        Assert.That(written, Is.EqualTo(1));
        Assert.That(report.RowsDeleted, Is.EqualTo(1), "the device outside the new filter is told to delete the row");
        Assert.That((await device.ReadAllAsync(Translation, CancellationToken.None)).Select(r => r[0]), Is.EqualTo(new[] { stays[0] }));
        Assert.That((await otherDevice.ReadAllAsync(Translation, CancellationToken.None)).Select(r => r[0]), Is.EqualTo(new[] { moves[0] }));
    }

    [Test]
    public async Task UpsertManyAsync_FailsMidBatch_LeavesNothingWrittenAndNothingToPull()
    {
        var (device, principal) = await FarmerDeviceAsync();
        await H.SyncAsync(device, principal);
        var first = Enumerable.Range(0, 20).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        var second = Enumerable.Range(0, 20).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();

        // A NOT NULL column left null half-way through the second bulk write of the transaction.
        second[10][H.Catalog[Translation].Ordinal("title")] = null;
        await using (var session = await H.Store.BeginWriteAsync(CancellationToken.None))
        {
            await session.UpsertManyAsync(H.Catalog[Translation], first, CancellationToken.None);
            Assert.That(async () => await session.UpsertManyAsync(H.Catalog[Translation], second, CancellationToken.None), Throws.Exception);
        }

        Assert.That(await H.Store.ReadRowsAsync(H.Catalog[Translation], null, null, CancellationToken.None), Is.Empty);
        var report = await H.SyncAsync(device, principal);
        Assert.That(report.RowsUpserted + report.RowsDeleted, Is.Zero);

        // The staging area of the failed transaction does not linger in the way of the next bulk write.
        Assert.That(await BulkAsync(first), Is.EqualTo(20));
    }

    [Test]
    public async Task UpsertManyAsync_FailsOnARowAlreadyStored_RollsBackTheWholeTransaction()
    {
        var stored = Enumerable.Range(0, 10).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        await BulkAsync(stored);
        var versions = await VersionsAsync();
        var changed = stored.Select(r => (object?[])r.Clone()).ToList();
        foreach (var row in changed)
        {
            row[H.Catalog[Translation].Ordinal("body")] = "बदललेला मजकूर";
        }

        // Stored rows go through the store's update path (PostgreSQL: the staging table), not the path for new keys.
        changed[7][H.Catalog[Translation].Ordinal("title")] = null;
        await using (var session = await H.Store.BeginWriteAsync(CancellationToken.None))
        {
            await session.UpsertManyAsync(H.Catalog[Translation], [Row(Guid.CreateVersion7(), 481)], CancellationToken.None);
            Assert.That(async () => await session.UpsertManyAsync(H.Catalog[Translation], changed, CancellationToken.None), Throws.Exception);
        }

        Assert.That(await VersionsAsync(), Is.EqualTo(versions), "nothing of the failed transaction stands");
    }

    // believedNew: both writers planned against a table without the key, so both claim it new (InsertNewManyAsync).
    [TestCase(false)]
    [TestCase(true)]
    public async Task BulkWrite_ConcurrentWriterInsertsTheSameNewKey_BothLandAndTheLaterCommitWins(bool believedNew)
    {
        Task<long> WriteAsync(IServerWriteSession session, IReadOnlyList<object?[]> rows) => believedNew
            ? session.InsertNewManyAsync(H.Catalog[Translation], rows, CancellationToken.None)
            : session.UpsertManyAsync(H.Catalog[Translation], rows, CancellationToken.None);

        var shared = Row(Guid.CreateVersion7(), 481);
        var theirs = (object?[])shared.Clone();
        theirs[H.Catalog[Translation].Ordinal("title")] = "दुसरा लेखक";
        var other = Row(Guid.CreateVersion7(), 481);

        var written = await SecondWriterBehindFirstAsync(first => WriteAsync(first, [shared]), second => WriteAsync(second, [theirs, other]));

        var rows = await H.Store.ReadRowsAsync(H.Catalog[Translation], null, null, CancellationToken.None);
        Assert.That(written, Is.EqualTo(2));
        Assert.That(rows.Select(r => r.Values[0]), Is.EquivalentTo(new[] { shared[0], other[0] }));
        Assert.That(rows.Single(r => Equals(r.Values[0], shared[0])).Values[H.Catalog[Translation].Ordinal("title")], Is.EqualTo("दुसरा लेखक"));
    }

    [Test]
    public async Task UpsertManyAsync_DuplicateKeys_ThrowsAndWritesNothing()
    {
        var row = Row(Guid.CreateVersion7(), 481);

        Assert.That(async () => await BulkAsync([row, (object?[])row.Clone()]), Throws.ArgumentException);
        Assert.That(await H.Store.ReadRowsAsync(H.Catalog[Translation], null, null, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task DeleteManyAsync_ThenUpsertMany_DeviceDeletesThenGetsTheRowBack()
    {
        var (device, principal) = await FarmerDeviceAsync();
        var rows = Enumerable.Range(0, 5).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        await BulkAsync(rows);
        await H.SyncAsync(device, principal);
        var gone = rows.Take(2).Select(r => (Guid)r[0]!).ToArray();

        await H.ServerWriteAsync(s => s.DeleteManyAsync(H.Catalog[Translation], gone, H.Time.GetUtcNow(), CancellationToken.None));
        var deleted = await H.SyncAsync(device, principal);
        var stored = await H.Store.ReadRowsInAsync(H.Catalog[Translation], "translation_id", rows.Select(r => (Guid)r[0]!).ToArray(), CancellationToken.None);
        IReadOnlyDictionary<Guid, StoredRow> locked = new Dictionary<Guid, StoredRow>();
        await H.ServerWriteAsync(async s => locked = await s.ReadRowsForUpdateAsync(H.Catalog[Translation], gone, CancellationToken.None));

        Assert.That(deleted.RowsDeleted, Is.EqualTo(2));
        Assert.That(stored.Select(r => r.Values[0]), Is.EquivalentTo(rows.Skip(2).Select(r => r[0])), "ReadRowsInAsync reads live rows only");
        Assert.That(locked.Values.Select(r => (r.Values[0], r.Deleted)), Is.EquivalentTo(gone.Select(g => ((object?)g, true))), "the locked read sees tombstones");

        // Unchanged values, but a tombstone: the bulk write brings it back and only it.
        var revived = await BulkAsync(rows);
        var back = await H.SyncAsync(device, principal);

        Assert.That(revived, Is.EqualTo(2));
        Assert.That(back.RowsUpserted, Is.EqualTo(2));
        Assert.That(await device.ReadAllAsync(Translation, CancellationToken.None), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task InsertNewManyAsync_SomeKeysAreStored_SameOutcomeAsUpsertMany()
    {
        var (device, principal) = await FarmerDeviceAsync();
        var stored = Enumerable.Range(0, 6).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        await BulkAsync(stored);
        await H.SyncAsync(device, principal);
        var versions = await VersionsAsync();
        var changed = (object?[])stored[2].Clone();
        changed[H.Catalog[Translation].Ordinal("title")] = "चुकीचा समज";
        var fresh = Enumerable.Range(0, 4).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();

        // Claimed new, but six of the keys are stored: one of them changed, five equal to what is stored.
        long written = 0;
        await H.ServerWriteAsync(async s => written = await s.InsertNewManyAsync(H.Catalog[Translation], [.. fresh, .. stored.Take(2), changed, .. stored.Skip(3)], CancellationToken.None));
        var report = await H.SyncAsync(device, principal);

        Assert.That(written, Is.EqualTo(5));
        Assert.That(report.RowsUpserted, Is.EqualTo(5));
        var after = await VersionsAsync();
        var unchanged = stored.Where((_, i) => i != 2).Select(r => r[0]).ToHashSet();
        Assert.That(after.Where(v => unchanged.Contains(v.Key)), Is.EqualTo(versions.Where(v => unchanged.Contains(v.Key))), "rows equal to the stored ones keep their stamps");
        Assert.That(after, Has.Count.EqualTo(10));
    }

    [Test]
    public async Task InsertNewManyAsync_KeyIsATombstone_BringsItBack()
    {
        var (device, principal) = await FarmerDeviceAsync();
        var rows = Enumerable.Range(0, 3).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        await BulkAsync(rows);
        await H.ServerWriteAsync(s => s.DeleteManyAsync(H.Catalog[Translation], [(Guid)rows[0][0]!], H.Time.GetUtcNow(), CancellationToken.None));
        await H.SyncAsync(device, principal);

        long written = 0;
        await H.ServerWriteAsync(async s => written = await s.InsertNewManyAsync(H.Catalog[Translation], [rows[0], Row(Guid.CreateVersion7(), 481)], CancellationToken.None));
        var report = await H.SyncAsync(device, principal);

        Assert.That(written, Is.EqualTo(2));
        Assert.That(report.RowsUpserted, Is.EqualTo(2));
        Assert.That(await device.ReadAllAsync(Translation, CancellationToken.None), Has.Count.EqualTo(4));
    }

    [Test]
    public async Task ReadRowsInAsync_RepeatedValuesOnKeyAndIndexedColumn_EachLiveRowOnceInKeyOrder()
    {
        var table = H.Catalog[Translation];
        var advisory = Guid.CreateVersion7();
        var rows = Enumerable.Range(0, 4).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        foreach (var row in rows.Take(3))
        {
            row[table.Ordinal("advisory_id")] = advisory;
        }

        await BulkAsync(rows);
        await H.ServerWriteAsync(s => s.DeleteManyAsync(table, [(Guid)rows[1][0]!], H.Time.GetUtcNow(), CancellationToken.None));
        var expected = new[] { rows[0][0], rows[2][0] }.OrderBy(k => k).ToArray();

        // Read many times, so a store that caches a plan for the statement uses it; the key list repeats values.
        for (var i = 0; i < 8; i++)
        {
            var byKey = await H.Store.ReadRowsInAsync(table, "translation_id", [(Guid)rows[0][0]!, (Guid)rows[0][0]!, (Guid)rows[1][0]!, (Guid)rows[2][0]!, Guid.CreateVersion7()], CancellationToken.None);
            var byIndexed = await H.Store.ReadRowsInAsync(table, "advisory_id", [advisory, advisory, Guid.CreateVersion7()], CancellationToken.None);

            Assert.That(byKey.Select(r => r.Values[0]), Is.EqualTo(expected));
            Assert.That(byIndexed.Select(r => r.Values[0]), Is.EqualTo(expected));
            Assert.That(byKey.Select(r => r.Version), Is.All.GreaterThan(0L));
        }
    }

    [Test]
    public async Task TryInsertAllNewAsync_NoKeyStored_WritesEveryTablesRowsStampedAndAPullDeliversThem()
    {
        var (device, principal) = await FarmerDeviceAsync();
        await H.SyncAsync(device, principal);
        var rows = Enumerable.Range(0, 25).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        var profile = H.Row("farmer_profile", Profile(Guid.CreateVersion7(), 532, 5000, "mr-IN", null));

        var inserted = false;
        await H.ServerWriteAsync(async s => inserted = await s.TryInsertAllNewAsync([new NewRows(H.Catalog[Translation], rows), new NewRows(H.Catalog["farmer_profile"], [profile])], CancellationToken.None));
        var report = await H.SyncAsync(device, principal);

        Assert.That(inserted, Is.True);
        Assert.That(report.RowsUpserted, Is.EqualTo(25), "every translation reaches the farmer (the other district's profile does not)");
        Assert.That((await H.Store.ReadRowsAsync(H.Catalog["farmer_profile"], null, null, CancellationToken.None)).Select(r => r.Values[0]), Does.Contain(profile[0]));
        Assert.That((await VersionsAsync()).Select(v => v.Version).Distinct().Count(), Is.EqualTo(1), "every row carries this transaction's stamp");
    }

    [Test]
    public async Task TryInsertAllNewAsync_OneKeyOfTheSecondTableIsStored_WritesNothingOfEitherAndTheSessionGoesOn()
    {
        var stored = Row(Guid.CreateVersion7(), 481);
        await BulkAsync([stored]);
        var versions = await VersionsAsync();
        var profile = H.Row("farmer_profile", Profile(Guid.CreateVersion7(), 532, 5000, "mr-IN", null));
        var fresh = Enumerable.Range(0, 5).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        var afterwards = Row(Guid.CreateVersion7(), 481);

        var inserted = true;
        await H.ServerWriteAsync(async s =>
        {
            inserted = await s.TryInsertAllNewAsync([new NewRows(H.Catalog["farmer_profile"], [profile]), new NewRows(H.Catalog[Translation], [.. fresh, stored])], CancellationToken.None);

            // The same session then writes the usual way, and commits.
            await s.UpsertManyAsync(H.Catalog[Translation], [afterwards], CancellationToken.None);
        });

        Assert.That(inserted, Is.False);
        var after = await VersionsAsync();
        Assert.That(after.Select(v => v.Key), Is.EquivalentTo(new[] { stored[0], afterwards[0] }), "none of the rows offered as new was written");
        Assert.That(after.Single(v => Equals(v.Key, stored[0])).Version, Is.EqualTo(versions.Single().Version), "the stored row is untouched");
        Assert.That((await H.Store.ReadRowsAsync(H.Catalog["farmer_profile"], null, null, CancellationToken.None)).Select(r => r.Values[0]), Does.Not.Contain(profile[0]));
    }

    [Test]
    public async Task TryInsertAllNewAsync_KeyIsATombstone_AnswersFalseAndLeavesItDeleted()
    {
        var rows = Enumerable.Range(0, 2).Select(_ => Row(Guid.CreateVersion7(), 481)).ToList();
        await BulkAsync(rows);
        await H.ServerWriteAsync(s => s.DeleteManyAsync(H.Catalog[Translation], [(Guid)rows[0][0]!], H.Time.GetUtcNow(), CancellationToken.None));

        var inserted = true;
        await H.ServerWriteAsync(async s => inserted = await s.TryInsertAllNewAsync([new NewRows(H.Catalog[Translation], [rows[0], Row(Guid.CreateVersion7(), 481)])], CancellationToken.None));

        Assert.That(inserted, Is.False);
        var live = await H.Store.ReadRowsAsync(H.Catalog[Translation], null, null, CancellationToken.None);
        Assert.That(live.Select(r => r.Values[0]), Is.EqualTo(new[] { rows[1][0] }));
    }

    [Test]
    public async Task TryInsertAllNewAsync_ConcurrentWriterInsertsTheSameKey_AnswersFalseOnceThatWriterCommits()
    {
        var shared = Row(Guid.CreateVersion7(), 481);
        var theirs = (object?[])shared.Clone();
        theirs[H.Catalog[Translation].Ordinal("title")] = "दुसरा लेखक";
        var other = Row(Guid.CreateVersion7(), 481);

        var inserted = await SecondWriterBehindFirstAsync(
            first => first.InsertNewManyAsync(H.Catalog[Translation], [shared], CancellationToken.None),
            second => second.TryInsertAllNewAsync([new NewRows(H.Catalog[Translation], [other, theirs])], CancellationToken.None));

        var rows = await H.Store.ReadRowsAsync(H.Catalog[Translation], null, null, CancellationToken.None);
        Assert.That(inserted, Is.False);
        Assert.That(rows.Select(r => r.Values[0]), Is.EqualTo(new[] { shared[0] }), "the second writer wrote none of its rows");
        Assert.That(rows.Single().Values[H.Catalog[Translation].Ordinal("title")], Is.EqualTo(shared[H.Catalog[Translation].Ordinal("title")]));
    }

    [Test]
    public async Task TryInsertAllNewAsync_DuplicateKeys_ThrowsAndWritesNothing()
    {
        var row = Row(Guid.CreateVersion7(), 481);

        Assert.That(
            async () => await H.ServerWriteAsync(s => s.TryInsertAllNewAsync([new NewRows(H.Catalog[Translation], [row, (object?[])row.Clone()])], CancellationToken.None)),
            Throws.ArgumentException);
        Assert.That(await H.Store.ReadRowsAsync(H.Catalog[Translation], null, null, CancellationToken.None), Is.Empty);
    }

    /// <summary>
    /// Two write sessions: the first writes and holds its transaction open while the second writes on another task;
    /// the second must still be waiting 300 ms later (PostgreSQL: its COPY waits on the unique index; SQLite: it waits
    /// for the write lock). Then the first commits, and the second commits after it. Answers the second's write.
    /// </summary>
    private async Task<T> SecondWriterBehindFirstAsync<T>(Func<IServerWriteSession, Task> firstWrite, Func<IServerWriteSession, Task<T>> secondWrite)
    {
        await using var first = await H.Store.BeginWriteAsync(CancellationToken.None);
        await firstWrite(first);
        var second = Task.Run(async () =>
        {
            await using var session = await H.Store.BeginWriteAsync(CancellationToken.None);
            var answer = await secondWrite(session);
            await session.CommitAsync(CancellationToken.None);
            return answer;
        });

        await Task.Delay(300);
        Assert.That(second.IsCompleted, Is.False, "the second writer did not wait for the first");
        await first.CommitAsync(CancellationToken.None);
        return await second;
    }

    private async Task<(DeviceStore Device, SyncPrincipal Principal)> FarmerDeviceAsync()
    {
        var farmer = await H.SeedFarmerAsync(481, 4436, "mr-IN", "en-IN", "SOYBEAN");
        return (await H.NewDeviceAsync(), FarmerPrincipal(farmer, Guid.CreateVersion7()));
    }

    private object?[] Row(Guid id, long district) => H.Row(Translation, SyncHarness.Translation(id, "mr-IN", [district], ["SOYBEAN"]));

    private async Task<long> BulkAsync(IReadOnlyList<object?[]> rows)
    {
        long written = 0;
        await H.ServerWriteAsync(async s => written = await s.UpsertManyAsync(H.Catalog[Translation], rows, CancellationToken.None));
        return written;
    }

    private async Task<string> PullToEndAsync(SyncPrincipal principal, string? cursor)
    {
        PullResponse page;
        do
        {
            page = await H.Engine.PullAsync(principal, "farmer", 1, cursor, CancellationToken.None);
            cursor = page.Cursor;
        }
        while (page.HasMore);

        return cursor;
    }

    private async Task<List<(object? Key, long Version)>> VersionsAsync() =>
        (await H.Store.ReadRowsAsync(H.Catalog[Translation], null, null, CancellationToken.None))
            .Select(r => (r.Values[0], r.Version)).OrderBy(r => r.Item1?.ToString(), StringComparer.Ordinal).ToList();
}
