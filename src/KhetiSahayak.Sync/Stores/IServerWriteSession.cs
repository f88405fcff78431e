using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Stores;

/// <summary>One write transaction on the server store. Everything in it commits together or not at all.</summary>
public interface IServerWriteSession : IAsyncDisposable
{
    Task<StoredMutation?> FindMutationAsync(Guid mutationId, CancellationToken cancellationToken);

    /// <summary>Reads a row (or its tombstone) and locks it until commit.</summary>
    Task<StoredRow?> ReadRowForUpdateAsync(TableDefinition table, Guid key, CancellationToken cancellationToken);

    /// <summary>Inserts a row, or brings back a tombstoned one with these values.</summary>
    Task UpsertAsync(TableDefinition table, IReadOnlyList<object?> values, CancellationToken cancellationToken);

    Task UpdateAsync(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, CancellationToken cancellationToken);

    /// <summary>Turns a row into a tombstone stamped with the server time.</summary>
    Task DeleteAsync(TableDefinition table, Guid key, DateTimeOffset deletedAt, CancellationToken cancellationToken);

    Task SaveMutationAsync(StoredMutation mutation, CancellationToken cancellationToken);

    Task RecordConflictAsync(ConflictRecord record, CancellationToken cancellationToken);

    Task SavepointAsync(CancellationToken cancellationToken);

    Task RollbackToSavepointAsync(CancellationToken cancellationToken);

    Task ReleaseSavepointAsync(CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}
