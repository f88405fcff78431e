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
    private readonly List<StoredMutation> _unsavedMutations = [];
    private bool _committed;

    // Savepoints cost a round trip each way per mutation. Asked for, one is opened only in front of the first
    // statement that runs inside it, and a release rides in front of the next statement: a mutation that is
    // decided from rows already read costs no round trip of its own, and one that writes costs one.
    private bool _savepointWanted;
    private bool _savepointOpen;
    private bool _releasePending;

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
        cmd.CommandText = TakeControl() + sql;
        if (_stampValue is not null)
        {
            bag.Add("ks_stamp", _stampValue);
        }

        bag.ApplyTo(cmd);
        return cmd;
    }

    /// <summary>The savepoint statements due before the next statement, as SQL to put in front of it.</summary>
    private string TakeControl()
    {
        var sql = string.Empty;
        if (_releasePending)
        {
            sql = "RELEASE SAVEPOINT ks_m; ";
            _releasePending = false;
        }

        if (_savepointWanted && !_savepointOpen)
        {
            sql += "SAVEPOINT ks_m; ";
            _savepointOpen = true;
        }

        return sql;
    }

    /// <summary>Runs the due savepoint statements now, before a statement composed elsewhere.</summary>
    private async Task FlushControlAsync(CancellationToken cancellationToken)
    {
        var control = TakeControl();
        if (control.Length == 0)
        {
            return;
        }

        await using var cmd = _connection.CreateCommand();
        cmd.Transaction = _transaction;
        cmd.CommandText = control;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves a reader past the results of savepoint statements in front of the one that returns rows.</summary>
    private static async Task<bool> ReadFirstRowAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        while (reader.FieldCount == 0)
        {
            if (!await reader.NextResultAsync(cancellationToken))
            {
                return false;
            }
        }

        return await reader.ReadAsync(cancellationToken);
    }

    /// <summary>Keys as one list parameter of the store's list type (uuid[] or a JSON array).</summary>
    private object KeyList(IEnumerable<Guid> keys)
    {
        var values = keys.Select(k => _store.ToDb(ColumnType.Uuid, k)).ToArray();
        return values.All(v => v is Guid)
            ? _store.ListParameter(values.Cast<Guid>().ToArray())
            : _store.ListParameter(values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)).ToArray());
    }

    public async Task<StoredMutation?> FindMutationAsync(Guid mutationId, CancellationToken cancellationToken)
    {
        await SaveMutationsAsync(cancellationToken);
        return await _store.FindMutationAsync(_connection, _transaction, mutationId, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<Guid, StoredMutation>> FindMutationsAsync(IReadOnlyCollection<Guid> mutationIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutationIds);
        await SaveMutationsAsync(cancellationToken);
        var found = new Dictionary<Guid, StoredMutation>();
        if (mutationIds.Count == 0)
        {
            return found;
        }

        var bag = new SqlParameterBag();
        var sql = $"SELECT mutation_id, device_id, table_name, row_key, status, code, message, created_at FROM ks_mutations WHERE {_store.ScalarInList("mutation_id", bag.Add("ids", KeyList(mutationIds)))}";
        await using var cmd = Command(sql, bag);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var more = await ReadFirstRowAsync(r, cancellationToken);
        while (more)
        {
            var stored = _store.ReadMutation(r);
            found[stored.Id] = stored;
            more = await r.ReadAsync(cancellationToken);
        }

        return found;
    }

    public async Task<IReadOnlyDictionary<Guid, StoredRow>> ReadRowsForUpdateAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<Guid, StoredRow>();
        if (keys.Count == 0)
        {
            return found;
        }

        var bag = new SqlParameterBag();
        // Locked in key order, so two writers locking overlapping sets cannot deadlock.
        var sql = $"SELECT {RowColumns(table, "t")} FROM {Q(table.Name)} t WHERE {_store.InKeyList("t." + Q(table.Key), bag.Add("keys", _store.ListParameter(keys.ToArray())))} ORDER BY t.{Q(table.Key)} {_forUpdate}";
        await using var cmd = Command(sql, bag);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var more = await ReadFirstRowAsync(reader, cancellationToken);
        while (more)
        {
            var row = ReadRow(table, reader);
            found[(Guid)row.Values[table.KeyOrdinal]!] = row;
            more = await reader.ReadAsync(cancellationToken);
        }

        return found;
    }

    private string RowColumns(TableDefinition table, string alias) =>
        $"{_store.VersionAsInteger(alias)}, {alias}._deleted, {string.Join(", ", table.Columns.Select(c => alias + "." + Q(c.Name)))}";

    private StoredRow ReadRow(TableDefinition table, DbDataReader reader) => new(reader.GetInt64(0), reader.GetBoolean(1), _store.ReadValues(table, reader, 2));

    private async Task<StoredRow?> ReadOneAsync(TableDefinition table, string sql, SqlParameterBag bag, CancellationToken cancellationToken)
    {
        await using var cmd = Command(sql, bag);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await ReadFirstRowAsync(reader, cancellationToken) ? ReadRow(table, reader) : null;
    }

    public async Task<StoredRow?> ReadRowForUpdateAsync(TableDefinition table, Guid key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var bag = new SqlParameterBag();
        var sql = $"SELECT {RowColumns(table, "t")} FROM {Q(table.Name)} t WHERE t.{Q(table.Key)} = {bag.Add("k", _store.ToDb(ColumnType.Uuid, key))} {_forUpdate}";
        return await ReadOneAsync(table, sql, bag, cancellationToken);
    }

    public async Task UpsertAsync(TableDefinition table, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        await using var cmd = Command(UpsertSql(table, values, doNothingOnConflict: false, out var bag), bag);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<StoredRow?> UpsertAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        ReadOneAsync(table, UpsertSql(table, values, doNothingOnConflict: false, out var bag) + " RETURNING " + RowColumns(table, Q(table.Name)), bag, cancellationToken);

    public Task<StoredRow?> InsertNewAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        ReadOneAsync(table, UpsertSql(table, values, doNothingOnConflict: true, out var bag) + " RETURNING " + RowColumns(table, Q(table.Name)), bag, cancellationToken);

    private string UpsertSql(TableDefinition table, IReadOnlyList<object?> values, bool doNothingOnConflict, out SqlParameterBag bag)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(values);
        var b = new SqlParameterBag();
        var names = table.Columns.Select((c, i) => b.Add("v" + i.ToString(CultureInfo.InvariantCulture), _store.ToDb(c.Type, values[i]))).ToArray();
        var cols = string.Join(", ", table.Columns.Select(c => Q(c.Name)));
        var sets = string.Join(", ", table.Columns.Where(c => c.Name != table.Key).Select(c => $"{Q(c.Name)} = excluded.{Q(c.Name)}"));
        bag = b;
        return $"INSERT INTO {Q(table.Name)} ({cols}, _deleted, _deleted_at, _version) VALUES ({string.Join(", ", names)}, FALSE, NULL, {_stampSql}) " +
            (doNothingOnConflict
                ? $"ON CONFLICT ({Q(table.Key)}) DO NOTHING"
                : $"ON CONFLICT ({Q(table.Key)}) DO UPDATE SET {(sets.Length > 0 ? sets + ", " : string.Empty)}_deleted = FALSE, _deleted_at = NULL, _version = excluded._version");
    }

    public async Task UpdateAsync(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        await using var cmd = Command(UpdateSql(table, key, ordinals, values, out var bag), bag);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<StoredRow?> UpdateAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        ReadOneAsync(table, UpdateSql(table, key, ordinals, values, out var bag) + " RETURNING " + RowColumns(table, Q(table.Name)), bag, cancellationToken);

    private string UpdateSql(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, out SqlParameterBag bag)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ordinals);
        ArgumentNullException.ThrowIfNull(values);
        var b = new SqlParameterBag();
        var sets = ordinals.Select(o => $"{Q(table.Columns[o].Name)} = {b.Add("v" + o.ToString(CultureInfo.InvariantCulture), _store.ToDb(table.Columns[o].Type, values[o]))}").ToList();
        bag = b;
        return $"UPDATE {Q(table.Name)} SET {string.Join(", ", sets.Append("_version = " + _stampSql))} WHERE {Q(table.Key)} = {b.Add("k", _store.ToDb(ColumnType.Uuid, key))}";
    }

    public async Task DeleteAsync(TableDefinition table, Guid key, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        await using var cmd = Command(DeleteSql(table, key, deletedAt, out var bag), bag);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<long> UpsertManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        BulkWriteAsync(table, rows, believedNew: false, cancellationToken);

    public Task<long> InsertNewManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        BulkWriteAsync(table, rows, believedNew: true, cancellationToken);

    public async Task<bool> TryInsertAllNewAsync(IReadOnlyList<NewRows> sets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var nonEmpty = sets.Where(s => s.Rows.Count > 0).ToList();
        foreach (var set in nonEmpty)
        {
            RelationalServerStore.RequireDistinctKeys(set.Table, set.Rows);
        }

        if (nonEmpty.Count == 0)
        {
            return true;
        }

        // The store's own path runs its own statements (savepoint, COPY): due savepoint statements go first.
        await FlushControlAsync(cancellationToken);
        return await _store.TryInsertAllNewAsync(_connection, _transaction, nonEmpty, _stampSql, _stampValue, cancellationToken)
            ?? await NewRows.LockThenInsertAsync(this, nonEmpty, cancellationToken);
    }

    private Task<long> BulkWriteAsync(TableDefinition table, IReadOnlyList<object?[]> rows, bool believedNew, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return Task.FromResult(0L);
        }

        RelationalServerStore.RequireDistinctKeys(table, rows);
        return UpsertManyCoreAsync(table, rows, believedNew, cancellationToken);
    }

    private async Task<long> UpsertManyCoreAsync(TableDefinition table, IReadOnlyList<object?[]> rows, bool believedNew, CancellationToken cancellationToken)
    {
        // The bulk path runs its own statements (COPY, staging): due savepoint statements go first.
        await FlushControlAsync(cancellationToken);
        return believedNew
            ? await _store.InsertNewManyAsync(_connection, _transaction, table, rows, _stampSql, _stampValue, cancellationToken)
            : await _store.UpsertManyAsync(_connection, _transaction, table, rows, _stampSql, _stampValue, cancellationToken);
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

    public async Task<StoredRow?> DeleteAndReadAsync(TableDefinition table, Guid key, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
        await ReadOneAsync(table, DeleteSql(table, key, deletedAt, out var bag) + " RETURNING " + RowColumns(table, Q(table.Name)), bag, cancellationToken)
            ?? await ReadRowForUpdateAsync(table, key, cancellationToken);

    private string DeleteSql(TableDefinition table, Guid key, DateTimeOffset deletedAt, out SqlParameterBag bag)
    {
        ArgumentNullException.ThrowIfNull(table);
        var b = new SqlParameterBag();
        bag = b;
        return $"UPDATE {Q(table.Name)} SET _deleted = TRUE, _deleted_at = {b.Add("at", _store.ToDb(ColumnType.Timestamp, deletedAt))}, _version = {_stampSql} WHERE {Q(table.Key)} = {b.Add("k", _store.ToDb(ColumnType.Uuid, key))} AND NOT _deleted";
    }

    /// <summary>Kept until commit (or the next read of the log) and then written in one statement per 100.</summary>
    public Task SaveMutationAsync(StoredMutation mutation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        _unsavedMutations.Add(mutation);
        return Task.CompletedTask;
    }

    private async Task SaveMutationsAsync(CancellationToken cancellationToken)
    {
        foreach (var chunk in _unsavedMutations.Chunk(100))
        {
            var bag = new SqlParameterBag();
            var rows = chunk.Select((m, i) =>
            {
                string P(string name, object? value) => bag.Add(name + i.ToString(CultureInfo.InvariantCulture), value);
                return $"({P("a", _store.ToDb(ColumnType.Uuid, m.Id))}, {P("b", _store.ToDb(ColumnType.Uuid, m.DeviceId))}, {P("c", m.Table)}, {P("d", m.RowKey)}, {P("e", m.Status.ToString())}, {P("f", m.Code)}, {P("g", m.Message)}, {P("h", _store.ToDb(ColumnType.Timestamp, m.CreatedAt))})";
            }).ToList();
            await using var cmd = Command("INSERT INTO ks_mutations (mutation_id, device_id, table_name, row_key, status, code, message, created_at) VALUES " + string.Join(", ", rows), bag);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        _unsavedMutations.Clear();
    }

    public async Task RecordConflictAsync(ConflictRecord record, CancellationToken cancellationToken)
    {
        await FlushControlAsync(cancellationToken);
        await _store.InsertConflictAsync(_connection, _transaction, record, cancellationToken);
    }

    public Task SavepointAsync(CancellationToken cancellationToken)
    {
        if (_savepointWanted || _releasePending)
        {
            // One savepoint at a time, as before: release the last one first.
            _releasePending |= _savepointOpen;
        }

        _savepointWanted = true;
        _savepointOpen = false;
        return Task.CompletedTask;
    }

    public async Task RollbackToSavepointAsync(CancellationToken cancellationToken)
    {
        if (!_savepointOpen)
        {
            return;
        }

        await using var cmd = _connection.CreateCommand();
        cmd.Transaction = _transaction;
        cmd.CommandText = "ROLLBACK TO SAVEPOINT ks_m";
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        _store.AfterFailedStatement(_connection);
    }

    public Task ReleaseSavepointAsync(CancellationToken cancellationToken)
    {
        _releasePending |= _savepointOpen;
        _savepointWanted = false;
        _savepointOpen = false;
        return Task.CompletedTask;
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await SaveMutationsAsync(cancellationToken);
        await FlushControlAsync(cancellationToken);
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
