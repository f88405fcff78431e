using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Stores;

/// <summary>One write transaction on the server store. Everything in it commits together or not at all.</summary>
public interface IServerWriteSession : IAsyncDisposable
{
    Task<StoredMutation?> FindMutationAsync(Guid mutationId, CancellationToken cancellationToken);

    /// <summary>The stored outcomes of those of <paramref name="mutationIds"/> seen before, in one read where the store can.</summary>
    async Task<IReadOnlyDictionary<Guid, StoredMutation>> FindMutationsAsync(IReadOnlyCollection<Guid> mutationIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutationIds);
        var found = new Dictionary<Guid, StoredMutation>();
        foreach (var id in mutationIds)
        {
            if (await FindMutationAsync(id, cancellationToken) is { } stored)
            {
                found[id] = stored;
            }
        }

        return found;
    }

    /// <summary>Reads several rows (or tombstones) of one table and locks them until commit; absent keys are left out.</summary>
    async Task<IReadOnlyDictionary<Guid, StoredRow>> ReadRowsForUpdateAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<Guid, StoredRow>();
        foreach (var key in keys)
        {
            if (await ReadRowForUpdateAsync(table, key, cancellationToken) is { } row)
            {
                found[key] = row;
            }
        }

        return found;
    }

    /// <summary>Reads a row (or its tombstone) and locks it until commit.</summary>
    Task<StoredRow?> ReadRowForUpdateAsync(TableDefinition table, Guid key, CancellationToken cancellationToken);

    /// <summary>Inserts a row, or brings back a tombstoned one with these values.</summary>
    Task UpsertAsync(TableDefinition table, IReadOnlyList<object?> values, CancellationToken cancellationToken);

    Task UpdateAsync(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, CancellationToken cancellationToken);

    /// <summary>Turns a row into a tombstone stamped with the server time.</summary>
    Task DeleteAsync(TableDefinition table, Guid key, DateTimeOffset deletedAt, CancellationToken cancellationToken);

    /// <summary>
    /// The bulk write: inserts many rows of one table, or updates (or brings back) the stored ones, through the
    /// database's bulk path (PostgreSQL: binary COPY into a staging table and one set-based upsert; SQLite: one
    /// prepared statement reused). A row equal to its live stored row on every column is left untouched, so its stamp
    /// does not move and no device receives it again; written rows are stamped and journalled (moves) as
    /// <see cref="UpsertAsync"/> does. Keys must be distinct. Returns how many rows were written.
    /// </summary>
    /// <remarks>The default goes row by row (a locked read and an upsert per row), with the same outcome.</remarks>
    async Task<long> UpsertManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        long written = 0;
        foreach (var row in rows)
        {
            var stored = await ReadRowForUpdateAsync(table, (Guid)row[table.KeyOrdinal]!, cancellationToken);
            if (stored is { Deleted: false } && table.Columns.Select((c, i) => ValueCodec.AreEqual(c.Type, row[i], stored.Values[i])).All(same => same))
            {
                continue;
            }

            await UpsertAsync(table, row, cancellationToken);
            written++;
        }

        return written;
    }

    /// <summary>
    /// <see cref="UpsertManyAsync"/> for rows the caller believes are not stored at all (not even as tombstones), e.g.
    /// because its planning read found none of their keys: the store may skip looking them up. The outcome must be
    /// the same as <see cref="UpsertManyAsync"/>'s when the belief is wrong (a concurrent writer, a tombstone).
    /// </summary>
    Task<long> InsertNewManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        UpsertManyAsync(table, rows, cancellationToken);

    /// <summary>
    /// Inserts rows of one or more tables whose keys are not stored, not even as tombstones: all of them, or none. True
    /// when every row was written (stamped, as <see cref="UpsertManyAsync"/> stamps); false, having written none of
    /// them, when some key is stored, or a concurrent writer stores it first. The session stays usable after false, so
    /// the caller can lock, read and plan the usual way. Keys must be distinct within each table.
    /// </summary>
    /// <remarks>
    /// For a writer whose planning read found none of its keys: instead of locking them (a read that finds nothing and
    /// costs PostgreSQL an index probe per key) it lets the table's unique key check each row as it is inserted. The
    /// default locks and reads the keys first, which on a store that serializes writers is the same answer.
    /// </remarks>
    Task<bool> TryInsertAllNewAsync(IReadOnlyList<NewRows> sets, CancellationToken cancellationToken) =>
        NewRows.LockThenInsertAsync(this, sets, cancellationToken);

    /// <summary>Turns many rows into tombstones stamped with the server time (one statement where the store can).</summary>
    async Task DeleteManyAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            await DeleteAsync(table, key, deletedAt, cancellationToken);
        }
    }

    /// <summary>Inserts a row that does not exist (not even as a tombstone) and returns it as stored; null, writing nothing, when the key exists.</summary>
    async Task<StoredRow?> InsertNewAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        if (await ReadRowForUpdateAsync(table, key, cancellationToken) is not null)
        {
            return null;
        }

        await UpsertAsync(table, values, cancellationToken);
        return await ReadRowForUpdateAsync(table, key, cancellationToken);
    }

    /// <summary><see cref="UpsertAsync"/>, answering the row as stored (with its new version).</summary>
    async Task<StoredRow?> UpsertAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        await UpsertAsync(table, values, cancellationToken);
        return await ReadRowForUpdateAsync(table, key, cancellationToken);
    }

    /// <summary><see cref="UpdateAsync"/>, answering the row as stored (with its new version).</summary>
    async Task<StoredRow?> UpdateAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        await UpdateAsync(table, key, ordinals, values, cancellationToken);
        return await ReadRowForUpdateAsync(table, key, cancellationToken);
    }

    /// <summary><see cref="DeleteAsync"/>, answering the tombstone as stored (with its new version).</summary>
    async Task<StoredRow?> DeleteAndReadAsync(TableDefinition table, Guid key, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        await DeleteAsync(table, key, deletedAt, cancellationToken);
        return await ReadRowForUpdateAsync(table, key, cancellationToken);
    }

    Task SaveMutationAsync(StoredMutation mutation, CancellationToken cancellationToken);

    Task RecordConflictAsync(ConflictRecord record, CancellationToken cancellationToken);

    Task SavepointAsync(CancellationToken cancellationToken);

    Task RollbackToSavepointAsync(CancellationToken cancellationToken);

    Task ReleaseSavepointAsync(CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}
