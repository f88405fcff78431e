using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Stores;

/// <summary>
/// A write session that hands every call to another one (see <see cref="DelegatingServerStore"/>): the interface's
/// default methods forward too, so the inner session's bulk and read-back paths stay in use.
/// </summary>
public abstract class DelegatingWriteSession(IServerWriteSession inner) : IServerWriteSession
{
    protected IServerWriteSession Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public virtual Task<StoredMutation?> FindMutationAsync(Guid mutationId, CancellationToken cancellationToken) => Inner.FindMutationAsync(mutationId, cancellationToken);

    public virtual Task<IReadOnlyDictionary<Guid, StoredMutation>> FindMutationsAsync(IReadOnlyCollection<Guid> mutationIds, CancellationToken cancellationToken) =>
        Inner.FindMutationsAsync(mutationIds, cancellationToken);

    public virtual Task<IReadOnlyDictionary<Guid, StoredRow>> ReadRowsForUpdateAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, CancellationToken cancellationToken) =>
        Inner.ReadRowsForUpdateAsync(table, keys, cancellationToken);

    public virtual Task<StoredRow?> ReadRowForUpdateAsync(TableDefinition table, Guid key, CancellationToken cancellationToken) =>
        Inner.ReadRowForUpdateAsync(table, key, cancellationToken);

    public virtual Task UpsertAsync(TableDefinition table, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        Inner.UpsertAsync(table, values, cancellationToken);

    public virtual Task UpdateAsync(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        Inner.UpdateAsync(table, key, ordinals, values, cancellationToken);

    public virtual Task DeleteAsync(TableDefinition table, Guid key, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
        Inner.DeleteAsync(table, key, deletedAt, cancellationToken);

    public virtual Task<long> UpsertManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        Inner.UpsertManyAsync(table, rows, cancellationToken);

    public virtual Task<long> InsertNewManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        Inner.InsertNewManyAsync(table, rows, cancellationToken);

    public virtual Task<bool> TryInsertAllNewAsync(IReadOnlyList<NewRows> sets, CancellationToken cancellationToken) =>
        Inner.TryInsertAllNewAsync(sets, cancellationToken);

    public virtual Task DeleteManyAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
        Inner.DeleteManyAsync(table, keys, deletedAt, cancellationToken);

    public virtual Task<StoredRow?> InsertNewAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        Inner.InsertNewAndReadAsync(table, key, values, cancellationToken);

    public virtual Task<StoredRow?> UpsertAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        Inner.UpsertAndReadAsync(table, key, values, cancellationToken);

    public virtual Task<StoredRow?> UpdateAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        Inner.UpdateAndReadAsync(table, key, ordinals, values, cancellationToken);

    public virtual Task<StoredRow?> DeleteAndReadAsync(TableDefinition table, Guid key, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
        Inner.DeleteAndReadAsync(table, key, deletedAt, cancellationToken);

    public virtual Task SaveMutationAsync(StoredMutation mutation, CancellationToken cancellationToken) => Inner.SaveMutationAsync(mutation, cancellationToken);

    public virtual Task RecordConflictAsync(ConflictRecord record, CancellationToken cancellationToken) => Inner.RecordConflictAsync(record, cancellationToken);

    public virtual Task SavepointAsync(CancellationToken cancellationToken) => Inner.SavepointAsync(cancellationToken);

    public virtual Task RollbackToSavepointAsync(CancellationToken cancellationToken) => Inner.RollbackToSavepointAsync(cancellationToken);

    public virtual Task ReleaseSavepointAsync(CancellationToken cancellationToken) => Inner.ReleaseSavepointAsync(cancellationToken);

    public virtual Task CommitAsync(CancellationToken cancellationToken) => Inner.CommitAsync(cancellationToken);

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Inner.DisposeAsync();
    }
}
