using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Sync.Sqlite.Tests.Device;

/// <summary>Installing a snapshot on the device replica: all pages and the cursor in one transaction, or nothing.</summary>
[TestFixture]
public sealed class DeviceStoreSnapshotTests : DeviceStoreFixture
{
    [Test]
    public async Task ApplySnapshotAsync_CompletePages_AppliesRowsWithVersionsAndStoresLastCursor()
    {
        await using var device = await OpenAsync();
        var (first, second) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        var (upserts, _) = await device.ApplySnapshotAsync(Pages(Page(first, 7, hasMore: true, cursor: ""), Page(second, 9, hasMore: false, cursor: "snapshot-cursor")), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(upserts, Is.EqualTo(2));
            Assert.That((await device.ReadAllAsync("advisory_translation", CancellationToken.None)).Select(r => r[0]), Is.EquivalentTo(new object[] { first, second }));
            Assert.That(await DeviceScalarAsync(device, "SELECT _ks_version FROM advisory_translation WHERE translation_id = @id", ("@id", second)), Is.EqualTo(9));
            Assert.That(await device.GetCursorAsync(CancellationToken.None), Is.EqualTo("snapshot-cursor"));
            Assert.That(await device.CountPendingAsync(CancellationToken.None), Is.Zero, "rows written by the snapshot are not local changes");
            Assert.That(await device.CanInstallSnapshotAsync(CancellationToken.None), Is.False);
        });
    }

    [Test]
    public async Task ApplySnapshotAsync_FileEndsBeforeLastPage_RollsBackEverything()
    {
        await using var device = await OpenAsync();

        Assert.ThrowsAsync<InvalidDataException>(() => device.ApplySnapshotAsync(Pages(Page(Guid.CreateVersion7(), 3, hasMore: true, cursor: "")), CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(await device.ReadAllAsync("advisory_translation", CancellationToken.None), Is.Empty);
            Assert.That(await device.GetCursorAsync(CancellationToken.None), Is.Null);
            Assert.That(await device.CanInstallSnapshotAsync(CancellationToken.None), Is.True, "still empty: the snapshot can be tried again");
        });
    }

    [Test]
    public async Task ApplySnapshotAsync_DeviceHoldsRows_RefusesAndChangesNothing()
    {
        await using var device = await OpenAsync();
        await DeviceInsertPlotAsync(device, Guid.CreateVersion7(), Guid.CreateVersion7(), 1);

        Assert.Multiple(async () =>
        {
            Assert.That(await device.CanInstallSnapshotAsync(CancellationToken.None), Is.False);
            Assert.ThrowsAsync<InvalidOperationException>(() => device.ApplySnapshotAsync(Pages(Page(Guid.CreateVersion7(), 3, hasMore: false, cursor: "c")), CancellationToken.None));
            Assert.That(await device.ReadAllAsync("advisory_translation", CancellationToken.None), Is.Empty);
            Assert.That(await device.GetCursorAsync(CancellationToken.None), Is.Null);
        });
    }

    private PullResponse Page(Guid key, long version, bool hasMore, string cursor)
    {
        var table = Scope.Tables.Single(t => t.Name == "advisory_translation").Table;
        var values = new object?[table.Columns.Count];
        foreach (var (name, value) in Translation(key, "mr-IN", [481], ["SOYBEAN"]))
        {
            values[table.Ordinal(name)] = value;
        }

        var changes = new TableChanges(table.Name, table.Columns.Select(c => c.Name).ToArray());
        changes.Upserts.Add(new PulledRow(version, values));
        return new PullResponse([changes], cursor, hasMore);
    }

    private static async IAsyncEnumerable<PullResponse> Pages(params PullResponse[] pages)
    {
        foreach (var page in pages)
        {
            await Task.Yield();
            yield return page;
        }
    }
}
