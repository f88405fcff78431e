using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>
/// A store that runs <paramref name="between"/> once, right after the first locked read of a write session: another
/// writer committing between a batch's locked read and its bulk writes. Everything else goes to the real store's own
/// paths (the bulk write of rows believed new included).
/// </summary>
internal sealed class InterleavingStore(IServerStore inner, Func<Task> between) : DelegatingServerStore(inner)
{
    private int _ran;

    public bool Ran => _ran == 1;

    public override async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) =>
        new Session(await Inner.BeginWriteAsync(cancellationToken), this);

    private async Task AfterLockedReadAsync()
    {
        if (Interlocked.Exchange(ref _ran, 1) == 0)
        {
            await between();
        }
    }

    private sealed class Session(IServerWriteSession inner, InterleavingStore store) : DelegatingWriteSession(inner)
    {
        public override async Task<IReadOnlyDictionary<Guid, StoredRow>> ReadRowsForUpdateAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, CancellationToken cancellationToken)
        {
            var rows = await Inner.ReadRowsForUpdateAsync(table, keys, cancellationToken);
            await store.AfterLockedReadAsync();
            return rows;
        }
    }
}
