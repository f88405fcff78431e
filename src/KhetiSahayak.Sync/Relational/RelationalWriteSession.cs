using System.Data.Common;
using System.Globalization;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Sync.Relational;

/// <summary>A write transaction over an ADO.NET connection, shared by the SQL stores.</summary>
public sealed class RelationalWriteSession : IServerWriteSession
{
    private readonly RelationalServerStore _store;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly string _stampSql;
    private readonly object? _stampValue;
    private readonly string _forUpdate;
    private bool _committed;

    /// <param name="stampSql">The SQL expression that stamps a written row's version.</param>
    /// <param name="stampValue">The value bound to <c>@ks_stamp</c> when <paramref name="stampSql"/> uses it.</param>
    /// <param name="forUpdate">The clause that locks a read row until commit ("" where the whole database is locked).</param>
    public RelationalWriteSession(RelationalServerStore store, DbConnection connection, DbTransaction transaction, string stampSql, object? stampValue, string forUpdate)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        _stampSql = stampSql;
        _stampValue = stampValue;
        _forUpdate = forUpdate;
    }

    private static string Q(string identifier) => "\"" + identifier + "\"";

    private DbCommand Command(string sql, SqlParameterBag bag)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _transaction;
        cmd.CommandText = sql;
        if (_stampValue is not null)
        {
            bag.Add("ks_stamp", _stampValue);
        }

        bag.ApplyTo(cmd);
        return cmd;
    }

    public Task<StoredMutation?> FindMutationAsync(Guid mutationId, CancellationToken cancellationToken) =>
        _store.FindMutationAsync(_connection, _transaction, mutationId, cancellationToken);

    public async Task<StoredRow?> ReadRowForUpdateAsync(TableDefinition table, Guid key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var bag = new SqlParameterBag();
        var sql = $"SELECT {_store.VersionAsInteger("t")}, t._deleted, {string.Join(", ", table.Columns.Select(c => "t." + Q(c.Name)))} FROM {Q(table.Name)} t WHERE t.{Q(table.Key)} = {bag.Add("k", _store.ToDb(ColumnType.Uuid, key))} {_forUpdate}";
        await using var cmd = Command(sql, bag);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredRow(reader.GetInt64(0), reader.GetBoolean(1), _store.ReadValues(table, reader, 2));
    }

    public async Task UpsertAsync(TableDefinition table, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(values);
        var bag = new SqlParameterBag();
        var names = table.Columns.Select((c, i) => bag.Add("v" + i.ToString(CultureInfo.InvariantCulture), _store.ToDb(c.Type, values[i]))).ToArray();
        var cols = string.Join(", ", table.Columns.Select(c => Q(c.Name)));
        var sets = string.Join(", ", table.Columns.Where(c => c.Name != table.Key).Select(c => $"{Q(c.Name)} = excluded.{Q(c.Name)}"));
        var sql = $"INSERT INTO {Q(table.Name)} ({cols}, _deleted, _deleted_at, _version) VALUES ({string.Join(", ", names)}, FALSE, NULL, {_stampSql}) " +
            $"ON CONFLICT ({Q(table.Key)}) DO UPDATE SET {(sets.Length > 0 ? sets + ", " : string.Empty)}_deleted = FALSE, _deleted_at = NULL, _version = excluded._version";
        await using var cmd = Command(sql, bag);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpdateAsync(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ordinals);
        ArgumentNullException.ThrowIfNull(values);
        var bag = new SqlParameterBag();
        var sets = ordinals.Select(o => $"{Q(table.Columns[o].Name)} = {bag.Add("v" + o.ToString(CultureInfo.InvariantCulture), _store.ToDb(table.Columns[o].Type, values[o]))}");
        var sql = $"UPDATE {Q(table.Name)} SET {string.Join(", ", sets.Append("_version = " + _stampSql))} WHERE {Q(table.Key)} = {bag.Add("k", _store.ToDb(ColumnType.Uuid, key))}";
        await using var cmd = Command(sql, bag);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(TableDefinition table, Guid key, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var bag = new SqlParameterBag();
        var sql = $"UPDATE {Q(table.Name)} SET _deleted = TRUE, _deleted_at = {bag.Add("at", _store.ToDb(ColumnType.Timestamp, deletedAt))}, _version = {_stampSql} WHERE {Q(table.Key)} = {bag.Add("k", _store.ToDb(ColumnType.Uuid, key))} AND NOT _deleted";
        await using var cmd = Command(sql, bag);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredRow>> ReadRowsForUpdateAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        var bag = new SqlParameterBag();
        var list = _store.InKeyList("t." + Q(table.Key), bag.Add("k", _store.ListParameter(keys.ToArray())));

        // Locked in key order, so two importers locking overlapping sets cannot deadlock.
        var sql = $"SELECT {_store.VersionAsInteger("t")}, t._deleted, {string.Join(", ", table.Columns.Select(c => "t." + Q(c.Name)))} FROM {Q(table.Name)} t WHERE {list} ORDER BY t.{Q(table.Key)} {_forUpdate}";
        await using var cmd = Command(sql, bag);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var rows = new List<StoredRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredRow(reader.GetInt64(0), reader.GetBoolean(1), _store.ReadValues(table, reader, 2)));
        }

        return rows;
    }

    public Task<long> UpsertManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return Task.FromResult(0L);
        }

        RelationalServerStore.RequireDistinctKeys(table, rows);
        return _store.UpsertManyAsync(_connection, _transaction, table, rows, _stampSql, _stampValue, cancellationToken);
    }

    public async Task DeleteManyAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        var bag = new SqlParameterBag();
        var list = _store.InKeyList(Q(table.Key), bag.Add("k", _store.ListParameter(keys.ToArray())));
        var sql = $"UPDATE {Q(table.Name)} SET _deleted = TRUE, _deleted_at = {bag.Add("at", _store.ToDb(ColumnType.Timestamp, deletedAt))}, _version = {_stampSql} WHERE {list} AND NOT _deleted";
        await using var cmd = Command(sql, bag);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task SaveMutationAsync(StoredMutation mutation, CancellationToken cancellationToken) =>
        _store.InsertMutationAsync(_connection, _transaction, mutation, cancellationToken);

    public Task RecordConflictAsync(ConflictRecord record, CancellationToken cancellationToken) =>
        _store.InsertConflictAsync(_connection, _transaction, record, cancellationToken);

    public Task SavepointAsync(CancellationToken cancellationToken) => _transaction.SaveAsync("ks_m", cancellationToken);

    public Task RollbackToSavepointAsync(CancellationToken cancellationToken) => _transaction.RollbackAsync("ks_m", cancellationToken);

    public Task ReleaseSavepointAsync(CancellationToken cancellationToken) => _transaction.ReleaseAsync("ks_m", cancellationToken);

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _transaction.CommitAsync(cancellationToken);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            try
            {
                await _transaction.RollbackAsync();
            }
            catch (InvalidOperationException)
            {
                // Already completed or the connection broke: nothing was committed either way.
            }
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
