using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>
/// A store that runs <paramref name="between"/> once, right after the first locked read of a write session: another
/// writer committing between a batch's locked read and its bulk writes. Everything else goes to the real store's own
/// paths (the bulk write of rows believed new included).
/// </summary>
internal sealed class InterleavingStore(IServerStore inner, Func<Task> between) : IServerStore
{
    private int _ran;

    public bool Ran => _ran == 1;

    public Task ProvisionAsync(ScopeSet scopes, CancellationToken cancellationToken) => inner.ProvisionAsync(scopes, cancellationToken);

    public Task<string> GetWatermarkAsync(CancellationToken cancellationToken) => inner.GetWatermarkAsync(cancellationToken);

    public Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken) => inner.IsExpiredAsync(watermark, cancellationToken);

    public bool IsWellFormedWatermark(string watermark) => inner.IsWellFormedWatermark(watermark);

    public Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(ChangeQuery query, CancellationToken cancellationToken) => inner.ReadChangesAsync(query, cancellationToken);

    public async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) =>
        new Session(await inner.BeginWriteAsync(cancellationToken), this);

    public Task<IReadOnlyList<StoredRow>> ReadRowsAsync(TableDefinition table, string? column, object? value, CancellationToken cancellationToken) =>
        inner.ReadRowsAsync(table, column, value, cancellationToken);

    public Task<IReadOnlyList<StoredRow>> ReadRowsInAsync(TableDefinition table, string column, IReadOnlyCollection<Guid> values, CancellationToken cancellationToken) =>
        inner.ReadRowsInAsync(table, column, values, cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.PurgeAsync(cutoff, cancellationToken);

    public Task<IReadOnlyList<ConflictRecord>> ReadConflictsAsync(string? status, int limit, CancellationToken cancellationToken) =>
        inner.ReadConflictsAsync(status, limit, cancellationToken);

    private async Task AfterLockedReadAsync()
    {
        if (Interlocked.Exchange(ref _ran, 1) == 0)
        {
            await between();
        }
    }

    private sealed class Session(IServerWriteSession inner, InterleavingStore store) : IServerWriteSession
    {
        public Task<StoredMutation?> FindMutationAsync(Guid mutationId, CancellationToken cancellationToken) => inner.FindMutationAsync(mutationId, cancellationToken);

        public Task<StoredRow?> ReadRowForUpdateAsync(TableDefinition table, Guid key, CancellationToken cancellationToken) =>
            inner.ReadRowForUpdateAsync(table, key, cancellationToken);

        public async Task<IReadOnlyDictionary<Guid, StoredRow>> ReadRowsForUpdateAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, CancellationToken cancellationToken)
        {
            var rows = await inner.ReadRowsForUpdateAsync(table, keys, cancellationToken);
            await store.AfterLockedReadAsync();
            return rows;
        }

        public Task UpsertAsync(TableDefinition table, IReadOnlyList<object?> values, CancellationToken cancellationToken) => inner.UpsertAsync(table, values, cancellationToken);

        public Task<long> UpsertManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
            inner.UpsertManyAsync(table, rows, cancellationToken);

        public Task<long> InsertNewManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
            inner.InsertNewManyAsync(table, rows, cancellationToken);

        public Task DeleteManyAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
            inner.DeleteManyAsync(table, keys, deletedAt, cancellationToken);

        public Task UpdateAsync(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
            inner.UpdateAsync(table, key, ordinals, values, cancellationToken);

        public Task DeleteAsync(TableDefinition table, Guid key, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
            inner.DeleteAsync(table, key, deletedAt, cancellationToken);

        public Task SaveMutationAsync(StoredMutation mutation, CancellationToken cancellationToken) => inner.SaveMutationAsync(mutation, cancellationToken);

        public Task RecordConflictAsync(ConflictRecord record, CancellationToken cancellationToken) => inner.RecordConflictAsync(record, cancellationToken);

        public Task SavepointAsync(CancellationToken cancellationToken) => inner.SavepointAsync(cancellationToken);

        public Task RollbackToSavepointAsync(CancellationToken cancellationToken) => inner.RollbackToSavepointAsync(cancellationToken);

        public Task ReleaseSavepointAsync(CancellationToken cancellationToken) => inner.ReleaseSavepointAsync(cancellationToken);

        public Task CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
