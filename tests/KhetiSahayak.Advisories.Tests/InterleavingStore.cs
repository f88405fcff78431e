using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>
/// A store that runs <paramref name="between"/> once, at <paramref name="at"/> in a write session: another writer
/// committing while a batch is being written. Everything else goes to the real store's own paths (the bulk writes of
/// rows believed new included).
/// </summary>
internal sealed class InterleavingStore(IServerStore inner, InterleavingStore.Point at, Func<Task> between) : DelegatingServerStore(inner)
{
    private int _ran;

    /// <summary>Where in a write session the other writer runs.</summary>
    public enum Point
    {
        /// <summary>Right after the first locked read: between a batch's locks and its bulk writes.</summary>
        AfterLockedRead,

        /// <summary>Right before the first insert of a batch believed new: between its planning read and its write.</summary>
        BeforeInsertAllNew,
    }

    public bool Ran => _ran == 1;

    public override async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) =>
        new Session(await Inner.BeginWriteAsync(cancellationToken), this);

    private async Task RunOnceAsync(Point point)
    {
        if (point == at && Interlocked.Exchange(ref _ran, 1) == 0)
        {
            await between();
        }
    }

    private sealed class Session(IServerWriteSession inner, InterleavingStore store) : DelegatingWriteSession(inner)
    {
        public override async Task<IReadOnlyDictionary<Guid, StoredRow>> ReadRowsForUpdateAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, CancellationToken cancellationToken)
        {
            var rows = await Inner.ReadRowsForUpdateAsync(table, keys, cancellationToken);
            await store.RunOnceAsync(Point.AfterLockedRead);
            return rows;
        }

        public override async Task<bool> TryInsertAllNewAsync(IReadOnlyList<NewRows> sets, CancellationToken cancellationToken)
        {
            await store.RunOnceAsync(Point.BeforeInsertAllNew);
            return await Inner.TryInsertAllNewAsync(sets, cancellationToken);
        }
    }
}
