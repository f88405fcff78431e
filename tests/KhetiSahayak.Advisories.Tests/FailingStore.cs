using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>
/// A store whose write sessions throw on the upsert a predicate picks (a single upsert of that row, or a bulk write that
/// contains it), to prove what a failed transaction leaves. Everything else goes to the real store's own paths.
/// </summary>
internal sealed class FailingStore(IServerStore inner, Func<TableDefinition, IReadOnlyList<object?>, bool> failOn) : IServerStore
{
    public Task ProvisionAsync(ScopeSet scopes, CancellationToken cancellationToken) => inner.ProvisionAsync(scopes, cancellationToken);

    public Task<string> GetWatermarkAsync(CancellationToken cancellationToken) => inner.GetWatermarkAsync(cancellationToken);

    public Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken) => inner.IsExpiredAsync(watermark, cancellationToken);

    public bool IsWellFormedWatermark(string watermark) => inner.IsWellFormedWatermark(watermark);

    public Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(ChangeQuery query, CancellationToken cancellationToken) => inner.ReadChangesAsync(query, cancellationToken);

    public async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) =>
        new Session(await inner.BeginWriteAsync(cancellationToken), failOn);

    public Task<IReadOnlyList<StoredRow>> ReadRowsAsync(TableDefinition table, string? column, object? value, CancellationToken cancellationToken) =>
        inner.ReadRowsAsync(table, column, value, cancellationToken);

    public Task<IReadOnlyList<StoredRow>> ReadRowsInAsync(TableDefinition table, string column, IReadOnlyCollection<Guid> values, CancellationToken cancellationToken) =>
        inner.ReadRowsInAsync(table, column, values, cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.PurgeAsync(cutoff, cancellationToken);

    public Task<IReadOnlyList<ConflictRecord>> ReadConflictsAsync(string? status, int limit, CancellationToken cancellationToken) =>
        inner.ReadConflictsAsync(status, limit, cancellationToken);

    private sealed class Session(IServerWriteSession inner, Func<TableDefinition, IReadOnlyList<object?>, bool> failOn) : IServerWriteSession
    {
        public Task<StoredMutation?> FindMutationAsync(Guid mutationId, CancellationToken cancellationToken) => inner.FindMutationAsync(mutationId, cancellationToken);

        public Task<StoredRow?> ReadRowForUpdateAsync(TableDefinition table, Guid key, CancellationToken cancellationToken) =>
            inner.ReadRowForUpdateAsync(table, key, cancellationToken);

        public Task UpsertAsync(TableDefinition table, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
            failOn(table, values) ? throw new InvalidOperationException("injected write failure") : inner.UpsertAsync(table, values, cancellationToken);

        public Task<IReadOnlyDictionary<Guid, StoredRow>> ReadRowsForUpdateAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, CancellationToken cancellationToken) =>
            inner.ReadRowsForUpdateAsync(table, keys, cancellationToken);

        public Task<long> UpsertManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
            rows.Any(r => failOn(table, r)) ? throw new InvalidOperationException("injected write failure") : inner.UpsertManyAsync(table, rows, cancellationToken);

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
