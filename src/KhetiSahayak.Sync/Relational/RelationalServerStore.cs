using System.Data.Common;
using System.Globalization;
using System.Text;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Sync.Relational;

/// <summary>
/// The server store logic both SQL stores share: table layout, filter compilation and the queries of each pull
/// phase. Subclasses supply the dialect: types, how rows are stamped with versions and what a watermark is.
/// </summary>
/// <remarks>
/// Every synced table gets three bookkeeping columns: <c>_version</c> (the change stamp), <c>_deleted</c> and
/// <c>_deleted_at</c> (tombstones). A side table <c>{table}__moves</c> keeps the old values of filter columns when an
/// update changes them, so a device learns that a row left its view.
/// </remarks>
public abstract class RelationalServerStore : IServerStore
{
    protected const string MovesSuffix = "__moves";

    private readonly Dictionary<string, string[]> _moveColumns = new(StringComparer.Ordinal);

    /// <summary>The filter columns recorded per table in its moves table (union over every scope).</summary>
    protected IReadOnlyDictionary<string, string[]> MoveColumns => _moveColumns;

    public abstract Task ProvisionAsync(ScopeSet scopes, CancellationToken cancellationToken);

    public abstract Task<string> GetWatermarkAsync(CancellationToken cancellationToken);

    public abstract Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken);

    public abstract bool IsWellFormedWatermark(string watermark);

    public abstract Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken);

    /// <inheritdoc/>
    public virtual bool ConcurrentWriteSessions => false;

    public abstract Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>SQL type of a column type.</summary>
    protected internal abstract string SqlType(ColumnType type);

    /// <summary>An expression reading a version column as a 64-bit integer.</summary>
    protected internal abstract string VersionAsInteger(string alias);

    /// <summary>Rows of <paramref name="alias"/> committed after watermark <paramref name="from"/> and within <paramref name="to"/>.</summary>
    protected internal abstract string ChangedBetween(string alias, string from, string to);

    /// <summary>Rows of <paramref name="alias"/> committed after watermark <paramref name="from"/>, up to now.</summary>
    protected internal abstract string ChangedSince(string alias, string from);

    /// <summary>Rows of <paramref name="alias"/> whose version is within watermark <paramref name="watermark"/>.</summary>
    protected internal abstract string VisibleIn(string alias, string watermark);

    /// <summary>(version, key) strictly after the bound position.</summary>
    protected internal abstract string AfterPosition(string alias, string keyColumn, string version, string key);

    protected internal abstract string ScalarInList(string expression, string listParameter);

    /// <summary>
    /// <paramref name="expression"/> is one of a (possibly long) list of keys bound as <paramref name="listParameter"/>:
    /// the bulk paths' set reads and writes. Must stay linear in the list and the table whatever plan is cached.
    /// </summary>
    protected internal virtual string InKeyList(string expression, string listParameter) => ScalarInList(expression, listParameter);

    protected internal abstract string JsonArrayOverlaps(string expression, string listParameter);

    /// <summary>A list parameter value (long[] or string[]) in the driver's form.</summary>
    protected internal abstract object ListParameter(object list);

    /// <summary>A CLR value (see <see cref="ValueCodec"/>) as a driver parameter value.</summary>
    protected internal abstract object? ToDb(ColumnType type, object? value);

    /// <summary>A column value from a reader as the engine's CLR value.</summary>
    protected internal abstract object? FromDb(ColumnType type, DbDataReader reader, int ordinal);

    /// <summary>A driver value for a watermark parameter.</summary>
    protected internal abstract object WatermarkParameter(string watermark);

    /// <summary>A driver value for a position version.</summary>
    protected internal abstract object VersionParameter(long version);

    protected static string Q(string identifier) => "\"" + identifier + "\"";

    /// <summary>
    /// Called after a statement failed inside a write session and its savepoint was rolled back: a driver that caches
    /// prepared statements per connection drops what the failure may have left half-prepared.
    /// </summary>
    protected internal virtual void AfterFailedStatement(DbConnection connection)
    {
    }

    /// <summary>The catalog last provisioned (or registered) on this store instance.</summary>
    protected TableCatalog? Catalog { get; private set; }

    /// <summary>Remembers the layout of the scopes without touching the database (provisioning also does this).</summary>
    public void Register(ScopeSet scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        RegisterMoveColumns(scopes);
    }

    protected void RegisterMoveColumns(ScopeSet scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        Catalog = scopes.Catalog;
        _moveColumns.Clear();
        foreach (var table in scopes.Catalog.Tables)
        {
            var cols = scopes.Scopes.SelectMany(s => s.Tables).Where(t => t.Name == table.Name)
                .SelectMany(t => t.FilterColumns).Distinct().Order(StringComparer.Ordinal).ToArray();
            if (cols.Length > 0)
            {
                _moveColumns[table.Name] = cols;
            }
        }
    }

    public async Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(ChangeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var table = query.Table.Table;
        var bag = new SqlParameterBag();
        var sql = BuildChangeSql(query, bag);
        if (sql is null)
        {
            return [];
        }

        await using var conn = await OpenConnectionAsync(cancellationToken);
        var withValues = query.Phase is PullPhase.Delta or PullPhase.Entered;
        return await ReadChangeRowsAsync(conn, sql, bag.Values, table, withValues, query.Text, cancellationToken);
    }

    /// <summary>
    /// Runs a pull query built by <see cref="ReadChangesAsync"/> and reads its rows. Its columns are the row key and the
    /// version, then, when <paramref name="withValues"/>, <c>_deleted</c> and the table's columns in catalog order; a row
    /// without values (or deleted) is a delete on the device. A store whose driver has a cheaper way to read many cells
    /// than <see cref="FromDb"/> per cell overrides this, and must give the same rows. <paramref name="text"/> (may be
    /// null) is where such a store may keep text cells as <see cref="Utf8Text"/>; this reader gives strings.
    /// </summary>
    protected internal virtual async Task<IReadOnlyList<ChangeRow>> ReadChangeRowsAsync(DbConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters, TableDefinition table, bool withValues, Utf8TextBuffer? text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(table);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        SqlParameterBag.Apply(cmd, parameters);
        var rows = new List<ChangeRow>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var version = reader.GetInt64(1);
            if (!withValues || reader.GetBoolean(2))
            {
                rows.Add(new ChangeRow(ReadKey(reader), version, true, null));
                continue;
            }

            var values = new object?[table.Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = FromDb(table.Columns[i].Type, reader, 3 + i);
            }

            // The key column is among the values: converted once, not read and parsed a second time.
            var key = values[table.KeyOrdinal] is Guid g ? g.ToString() : throw new InvalidOperationException("row without key");
            rows.Add(new ChangeRow(key, version, false, values));
        }

        return rows;
    }

    private string ReadKey(DbDataReader reader) =>
        FromDb(ColumnType.Uuid, reader, 0) is Guid g ? g.ToString() : throw new InvalidOperationException("row without key");

    private string? BuildChangeSql(ChangeQuery q, SqlParameterBag bag)
    {
        var table = q.Table.Table;
        var t = Q(table.Name);
        var key = Q(table.Key);
        var limit = bag.Add("ks_limit", q.Limit);
        var toP = bag.Add("ks_to", WatermarkParameter(q.To));
        var fromP = q.From is null ? null : bag.Add("ks_from", WatermarkParameter(q.From));
        var av = bag.Add("ks_av", VersionParameter(q.AfterVersion));
        var ak = bag.Add("ks_ak", q.AfterKey.Length == 0 ? ToDb(ColumnType.Uuid, Guid.Empty) : ToDb(ColumnType.Uuid, Guid.Parse(q.AfterKey)));
        var columns = string.Join(", ", table.Columns.Select(c => "t." + Q(c.Name)));
        var rowSelect = $"SELECT t.{key}, {VersionAsInteger("t")}, t._deleted, {columns} FROM {t} t";
        var order = $"ORDER BY t._version, t.{key} LIMIT {limit}";
        var hasMoves = _moveColumns.ContainsKey(table.Name);

        string Filter(string alias, ScopeParameters p, string prefix) => CompileFilter(q.Table.Filter, alias, p, prefix, bag);

        switch (q.Phase)
        {
            case PullPhase.Delta:
                return fromP is null
                    ? $"{rowSelect} WHERE {VisibleIn("t", toP)} AND NOT t._deleted AND {Filter("t", q.Parameters, "n")} AND {AfterPosition("t", key, av, ak)} {order}"
                    : $"{rowSelect} WHERE {ChangedBetween("t", fromP, toP)} AND {Filter("t", q.Parameters, "n")} AND {AfterPosition("t", key, av, ak)} {order}";
            case PullPhase.MovedOut when fromP is not null && hasMoves:
                return MovesSql(table, ChangedBetween("m", fromP, toP), av, ak, limit, Filter("m", q.Parameters, "n"), Filter("t", q.Parameters, "n"));
            case PullPhase.Entered when fromP is not null && q.PreviousParameters is not null:
                return $"{rowSelect} WHERE {VisibleIn("t", fromP)} AND NOT t._deleted AND {Filter("t", q.Parameters, "n")} AND NOT COALESCE({Filter("t", q.PreviousParameters, "o")}, FALSE) AND {AfterPosition("t", key, av, ak)} {order}";
            case PullPhase.Left when fromP is not null && q.PreviousParameters is not null:
                return $"SELECT t.{key}, {VersionAsInteger("t")} FROM {t} t WHERE COALESCE({Filter("t", q.PreviousParameters, "o")}, FALSE) " +
                    $"AND NOT (NOT t._deleted AND COALESCE({Filter("t", q.Parameters, "n")}, FALSE)) " +
                    $"AND (NOT t._deleted OR NOT {VisibleIn("t", fromP)}) AND {AfterPosition("t", key, av, ak)} {order}";
            case PullPhase.LeftMoved when fromP is not null && q.PreviousParameters is not null && hasMoves:
                // Not bounded by the target: a row the old parameters let in may have moved while the pull ran, and
                // with the parameters now changed no later pull would look at the old filter again.
                return MovesSql(table, ChangedSince("m", fromP), av, ak, limit, Filter("m", q.PreviousParameters, "o"), Filter("t", q.Parameters, "n"));
            default:
                return null;
        }
    }

    private string MovesSql(TableDefinition table, string window, string av, string ak, string limit, string movedFilter, string currentFilter)
    {
        var key = Q(table.Key);
        return $"SELECT m.row_key, {VersionAsInteger("m")} FROM {Q(table.Name + MovesSuffix)} m " +
            $"WHERE {window} AND {movedFilter} AND {AfterPosition("m", "row_key", av, ak)} " +
            $"AND NOT EXISTS (SELECT 1 FROM {Q(table.Name)} t WHERE t.{key} = m.row_key AND NOT t._deleted AND {currentFilter}) " +
            $"GROUP BY m._version, m.row_key ORDER BY m._version, m.row_key LIMIT {limit}";
    }

    /// <summary>Compiles a filter to a SQL boolean over <paramref name="alias"/>, binding parameters with <paramref name="prefix"/>.</summary>
    internal string CompileFilter(FilterNode node, string alias, ScopeParameters parameters, string prefix, SqlParameterBag bag)
    {
        switch (node)
        {
            case FilterAll all:
                return all.Children.Count == 0 ? "TRUE" : "(" + string.Join(" AND ", all.Children.Select(c => CompileFilter(c, alias, parameters, prefix, bag))) + ")";
            case FilterAny any:
                return "(" + string.Join(" OR ", any.Children.Select(c => CompileFilter(c, alias, parameters, prefix, bag))) + ")";
            case FilterComparison cmp:
                var column = alias + "." + Q(cmp.Column);
                if (cmp.Parameter is null)
                {
                    return $"{column} = {bag.AddUnique(ToDb(cmp.ColumnType, cmp.Literal))}";
                }

                var value = parameters[cmp.Parameter];
                var name = prefix + "_" + cmp.Parameter;
                if (value is null)
                {
                    return "FALSE";
                }

                return cmp.Operator switch
                {
                    FilterOperator.Eq => $"{column} = {bag.Add(name, ToDb(cmp.ColumnType, value))}",
                    FilterOperator.In => ScalarInList(column, bag.Add(name, ListParameter(value))),
                    _ => JsonArrayOverlaps(column, bag.Add(name, ListParameter(value))),
                };
            default:
                throw new InvalidOperationException("unknown filter node");
        }
    }

    public async Task<IReadOnlyList<StoredRow>> ReadRowsAsync(TableDefinition table, string? column, object? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await using var conn = await OpenConnectionAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        var bag = new SqlParameterBag();
        var where = "NOT t._deleted";
        if (column is not null)
        {
            where += $" AND t.{Q(column)} = {bag.Add("v", ToDb(table.Columns[table.Ordinal(column)].Type, value))}";
        }

        cmd.CommandText = $"SELECT {VersionAsInteger("t")}, {string.Join(", ", table.Columns.Select(c => "t." + Q(c.Name)))} FROM {Q(table.Name)} t WHERE {where} ORDER BY t.{Q(table.Key)}";
        bag.ApplyTo(cmd);
        var rows = new List<StoredRow>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredRow(reader.GetInt64(0), false, ReadValues(table, reader, 1)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<StoredRow>> ReadRowsInAsync(TableDefinition table, string column, IReadOnlyCollection<Guid> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return [];
        }

        await using var conn = await OpenConnectionAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        var bag = new SqlParameterBag();
        cmd.CommandText = RowsInSql(table, column, bag.Add("v", ListParameter(values.ToArray())));
        bag.ApplyTo(cmd);
        var rows = new List<StoredRow>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (reader.FieldCount == 0 && await reader.NextResultAsync(cancellationToken))
        {
            // Past the results of statements the dialect put in front (settings).
        }

        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredRow(reader.GetInt64(0), false, ReadValues(table, reader, 1)));
        }

        return rows;
    }

    /// <summary>
    /// The SQL of <see cref="ReadRowsInAsync"/>: the version and the table's columns of the live rows of
    /// <paramref name="table"/> whose <paramref name="column"/> is in the list bound as <paramref name="listParameter"/>,
    /// in key order. It may be several statements; the reader skips those that return no columns.
    /// </summary>
    protected internal virtual string RowsInSql(TableDefinition table, string column, string listParameter)
    {
        ArgumentNullException.ThrowIfNull(table);
        return $"SELECT {VersionAsInteger("t")}, {string.Join(", ", table.Columns.Select(c => "t." + Q(c.Name)))} FROM {Q(table.Name)} t WHERE NOT t._deleted AND {InKeyList("t." + Q(column), listParameter)} ORDER BY t.{Q(table.Key)}";
    }

    /// <summary>
    /// The bulk upsert of a write session (see <see cref="IServerWriteSession.UpsertManyAsync"/>): one prepared
    /// statement, its parameters rebound per row, inside the session's transaction. Stores with a faster bulk path
    /// (PostgreSQL's COPY) override it.
    /// </summary>
    /// <param name="stampSql">The SQL expression that stamps a written row's version.</param>
    /// <param name="stampValue">The value bound to <c>@ks_stamp</c> when <paramref name="stampSql"/> uses it.</param>
    protected internal virtual async Task<long> UpsertManyAsync(DbConnection connection, DbTransaction transaction, TableDefinition table, IReadOnlyList<object?[]> rows, string stampSql, object? stampValue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        var names = table.Columns.Select((_, i) => "@b" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        cmd.CommandText = $"INSERT INTO {Q(table.Name)} ({string.Join(", ", table.Columns.Select(c => Q(c.Name)))}, _deleted, _deleted_at, _version) " +
            $"VALUES ({string.Join(", ", names)}, FALSE, NULL, {stampSql}) {BulkConflictClause(table)}";
        var parameters = new DbParameter[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            parameters[i] = cmd.CreateParameter();
            parameters[i].ParameterName = names[i];
            cmd.Parameters.Add(parameters[i]);
        }

        if (stampValue is not null)
        {
            var stamp = cmd.CreateParameter();
            stamp.ParameterName = "@ks_stamp";
            stamp.Value = stampValue;
            cmd.Parameters.Add(stamp);
        }

        long written = 0;
        var prepared = false;
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = ToDb(table.Columns[i].Type, row[i]) ?? DBNull.Value;
            }

            // Prepared once the parameters have values (the driver may infer their types from them), then reused.
            if (!prepared)
            {
                await cmd.PrepareAsync(cancellationToken);
                prepared = true;
            }

            written += await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        return written;
    }

    /// <summary>
    /// <see cref="UpsertManyAsync(DbConnection, DbTransaction, TableDefinition, IReadOnlyList{object?[]}, string, object?, CancellationToken)"/>
    /// for rows the caller believes are new (see <see cref="IServerWriteSession.InsertNewManyAsync"/>); a store whose
    /// bulk path looks keys up first may skip that, as long as a stored key still ends in the same outcome.
    /// </summary>
    protected internal virtual Task<long> InsertNewManyAsync(DbConnection connection, DbTransaction transaction, TableDefinition table, IReadOnlyList<object?[]> rows, string stampSql, object? stampValue, CancellationToken cancellationToken) =>
        UpsertManyAsync(connection, transaction, table, rows, stampSql, stampValue, cancellationToken);

    /// <summary>
    /// The store's own path for <see cref="IServerWriteSession.TryInsertAllNewAsync"/>, inside the session's
    /// transaction: true or false as that method answers, or null when the store has none (the session then locks and
    /// reads the keys first, see <see cref="NewRows.LockThenInsertAsync"/>). Sets are non-empty with distinct keys.
    /// </summary>
    protected internal virtual Task<bool?> TryInsertAllNewAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewRows> sets, string stampSql, object? stampValue, CancellationToken cancellationToken) =>
        Task.FromResult<bool?>(null);

    /// <summary>
    /// The ON CONFLICT clause of the bulk upsert: a stored row is updated (and so re-stamped, and journalled as a move
    /// when a filter column changes) only when it is a tombstone or differs on some column.
    /// </summary>
    protected static string BulkConflictClause(TableDefinition table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var t = Q(table.Name);
        var others = table.Columns.Where(c => c.Name != table.Key).Select(c => Q(c.Name)).ToArray();
        var sets = string.Concat(others.Select(c => $"{c} = excluded.{c}, "));
        var differs = string.Concat(others.Select(c => $" OR {t}.{c} IS DISTINCT FROM excluded.{c}"));
        return $"ON CONFLICT ({Q(table.Key)}) DO UPDATE SET {sets}_deleted = FALSE, _deleted_at = NULL, _version = excluded._version WHERE {t}._deleted{differs}";
    }

    /// <summary>Throws when two rows of a bulk write share a key (one statement cannot write a row twice).</summary>
    protected internal static void RequireDistinctKeys(TableDefinition table, IReadOnlyList<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        var keys = new HashSet<object>(rows.Count);
        foreach (var row in rows)
        {
            if (row[table.KeyOrdinal] is not { } key || !keys.Add(key))
            {
                throw new ArgumentException($"bulk write to '{table.Name}': key '{row[table.KeyOrdinal]}' is missing or appears twice", nameof(rows));
            }
        }
    }

    public async Task<IReadOnlyList<ConflictRecord>> ReadConflictsAsync(string? status, int limit, CancellationToken cancellationToken)
    {
        await using var conn = await OpenConnectionAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        var bag = new SqlParameterBag();
        var where = status is null ? "TRUE" : $"status = {bag.Add("status", status)}";
        cmd.CommandText = $"SELECT id, created_at, scope, device_id, user_id, mutation_id, table_name, row_key, kind, code, detail, base_version, server_version, base_values, device_values, server_values, resolution, status FROM ks_conflicts WHERE {where} ORDER BY created_at DESC, id DESC LIMIT {bag.Add("lim", limit)}";
        bag.ApplyTo(cmd);
        var list = new List<ConflictRecord>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new ConflictRecord(
                (Guid)FromDb(ColumnType.Uuid, r, 0)!,
                (DateTimeOffset)FromDb(ColumnType.Timestamp, r, 1)!,
                r.GetString(2),
                (Guid)FromDb(ColumnType.Uuid, r, 3)!,
                (Guid)FromDb(ColumnType.Uuid, r, 4)!,
                (Guid)FromDb(ColumnType.Uuid, r, 5)!,
                r.GetString(6),
                r.GetString(7),
                r.GetString(8),
                r.GetString(9),
                r.GetString(10),
                r.IsDBNull(11) ? null : r.GetInt64(11),
                r.IsDBNull(12) ? null : r.GetInt64(12),
                r.IsDBNull(13) ? null : r.GetString(13),
                r.IsDBNull(14) ? null : r.GetString(14),
                r.IsDBNull(15) ? null : r.GetString(15),
                r.GetString(16),
                r.GetString(17)));
        }

        return list;
    }

    internal object?[] ReadValues(TableDefinition table, DbDataReader reader, int offset)
    {
        var values = new object?[table.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = FromDb(table.Columns[i].Type, reader, offset + i);
        }

        return values;
    }

    /// <summary>DDL of the bookkeeping tables every store has (ledger and mutation log), in portable SQL.</summary>
    protected string CommonDdl()
    {
        string U(string n) => n + " " + SqlType(ColumnType.Uuid);
        string T(string n) => n + " " + SqlType(ColumnType.Timestamp);
        return $"""
            CREATE TABLE IF NOT EXISTS ks_mutations (
                {U("mutation_id")} PRIMARY KEY, {U("device_id")} NOT NULL, table_name TEXT NOT NULL, row_key TEXT NOT NULL,
                status TEXT NOT NULL, code TEXT NULL, message TEXT NULL, {T("created_at")} NOT NULL);
            CREATE TABLE IF NOT EXISTS ks_conflicts (
                {U("id")} PRIMARY KEY, {T("created_at")} NOT NULL, scope TEXT NOT NULL, {U("device_id")} NOT NULL, {U("user_id")} NOT NULL,
                {U("mutation_id")} NOT NULL, table_name TEXT NOT NULL, row_key TEXT NOT NULL, kind TEXT NOT NULL, code TEXT NOT NULL,
                detail TEXT NOT NULL, base_version BIGINT NULL, server_version BIGINT NULL, base_values TEXT NULL, device_values TEXT NULL,
                server_values TEXT NULL, resolution TEXT NOT NULL, status TEXT NOT NULL,
                {T("resolved_at")} NULL, resolved_by TEXT NULL, resolution_note TEXT NULL);
            CREATE INDEX IF NOT EXISTS ks_conflicts_status ON ks_conflicts (status, created_at);
            CREATE INDEX IF NOT EXISTS ks_mutations_created ON ks_mutations (created_at);
            """;
    }

    /// <summary>CREATE TABLE for a synced table with its bookkeeping columns.</summary>
    protected string CreateTableSql(TableDefinition table, string versionType)
    {
        var sb = new StringBuilder();
        sb.Append("CREATE TABLE IF NOT EXISTS ").Append(Q(table.Name)).Append(" (");
        foreach (var c in table.Columns)
        {
            sb.Append(Q(c.Name)).Append(' ').Append(SqlType(c.Type));
            sb.Append(c.Name == table.Key ? " PRIMARY KEY" : c.Nullable ? " NULL" : " NOT NULL").Append(", ");
        }

        sb.Append("_version ").Append(versionType).Append(" NOT NULL, _deleted BOOLEAN NOT NULL DEFAULT FALSE, _deleted_at ")
            .Append(SqlType(ColumnType.Timestamp)).Append(" NULL)");
        return sb.ToString();
    }

    protected string CreateMovesTableSql(TableDefinition table, string versionType, string atDefault)
    {
        var cols = _moveColumns[table.Name];
        var sb = new StringBuilder();
        sb.Append("CREATE TABLE IF NOT EXISTS ").Append(Q(table.Name + MovesSuffix)).Append(" (_version ").Append(versionType)
            .Append(" NOT NULL, row_key ").Append(SqlType(ColumnType.Uuid)).Append(" NOT NULL, _at ").Append(SqlType(ColumnType.Timestamp))
            .Append(" NOT NULL DEFAULT ").Append(atDefault);
        foreach (var c in cols)
        {
            sb.Append(", ").Append(Q(c)).Append(' ').Append(SqlType(table.Columns[table.Ordinal(c)].Type)).Append(" NULL");
        }

        sb.Append(')');
        return sb.ToString();
    }

    /// <summary>Deletes tombstones and move records older than the cutoff; returns the count and the highest version removed.</summary>
    protected async Task<(int Count, long MaxVersion)> PurgeRowsAsync(DbConnection conn, DbTransaction tx, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var catalog = Catalog ?? throw new InvalidOperationException("provision or register the scopes first");
        var count = 0;
        long max = 0;
        foreach (var table in catalog.Tables)
        {
            var targets = new List<(string Table, string Condition)> { (table.Name, "_deleted AND _deleted_at < @cutoff") };
            if (_moveColumns.ContainsKey(table.Name))
            {
                targets.Add((table.Name + MovesSuffix, "_at < @cutoff"));
            }

            foreach (var (name, condition) in targets)
            {
                await using (var cmd = conn.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = $"SELECT MAX({VersionAsInteger("t")}) FROM {Q(name)} t WHERE {condition}";
                    var bag = new SqlParameterBag();
                    bag.Add("cutoff", ToDb(ColumnType.Timestamp, cutoff));
                    bag.ApplyTo(cmd);
                    if (await cmd.ExecuteScalarAsync(cancellationToken) is long v)
                    {
                        max = Math.Max(max, v);
                    }
                }

                await using (var cmd = conn.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = $"DELETE FROM {Q(name)} WHERE {condition}";
                    var bag = new SqlParameterBag();
                    bag.Add("cutoff", ToDb(ColumnType.Timestamp, cutoff));
                    bag.ApplyTo(cmd);
                    count += await cmd.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }

        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM ks_mutations WHERE created_at < @cutoff";
            var bag = new SqlParameterBag();
            bag.Add("cutoff", ToDb(ColumnType.Timestamp, cutoff));
            bag.ApplyTo(cmd);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        return (count, max);
    }

    protected static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Conflict ledger insert shared by both stores.</summary>
    internal async Task InsertConflictAsync(DbConnection conn, DbTransaction tx, ConflictRecord c, CancellationToken cancellationToken)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        var bag = new SqlParameterBag();
        var values = new object?[]
        {
            ToDb(ColumnType.Uuid, c.Id), ToDb(ColumnType.Timestamp, c.CreatedAt), c.Scope, ToDb(ColumnType.Uuid, c.DeviceId),
            ToDb(ColumnType.Uuid, c.UserId), ToDb(ColumnType.Uuid, c.MutationId), c.Table, c.RowKey, c.Kind, c.Code, c.Detail,
            c.BaseVersion, c.ServerVersion, c.BaseValues, c.DeviceValues, c.ServerValues, c.Resolution, c.Status,
        };
        var names = values.Select((v, i) => bag.Add("c" + i.ToString(CultureInfo.InvariantCulture), v)).ToArray();
        cmd.CommandText = "INSERT INTO ks_conflicts (id, created_at, scope, device_id, user_id, mutation_id, table_name, row_key, kind, code, detail, base_version, server_version, base_values, device_values, server_values, resolution, status) VALUES (" + string.Join(", ", names) + ")";
        bag.ApplyTo(cmd);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    internal async Task InsertMutationAsync(DbConnection conn, DbTransaction tx, StoredMutation m, CancellationToken cancellationToken)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        var bag = new SqlParameterBag();
        cmd.CommandText = $"INSERT INTO ks_mutations (mutation_id, device_id, table_name, row_key, status, code, message, created_at) VALUES ({bag.Add("a", ToDb(ColumnType.Uuid, m.Id))}, {bag.Add("b", ToDb(ColumnType.Uuid, m.DeviceId))}, {bag.Add("c", m.Table)}, {bag.Add("d", m.RowKey)}, {bag.Add("e", m.Status.ToString())}, {bag.Add("f", m.Code)}, {bag.Add("g", m.Message)}, {bag.Add("h", ToDb(ColumnType.Timestamp, m.CreatedAt))})";
        bag.ApplyTo(cmd);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    internal async Task<StoredMutation?> FindMutationAsync(DbConnection conn, DbTransaction tx, Guid id, CancellationToken cancellationToken)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        var bag = new SqlParameterBag();
        cmd.CommandText = $"SELECT device_id, table_name, row_key, status, code, message, created_at FROM ks_mutations WHERE mutation_id = {bag.Add("id", ToDb(ColumnType.Uuid, id))}";
        bag.ApplyTo(cmd);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredMutation(id, (Guid)FromDb(ColumnType.Uuid, r, 0)!, r.GetString(1), r.GetString(2), Enum.Parse<MutationStatus>(r.GetString(3)),
            r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), (DateTimeOffset)FromDb(ColumnType.Timestamp, r, 6)!);
    }

    /// <summary>A ks_mutations row read as <c>mutation_id, device_id, table_name, row_key, status, code, message, created_at</c>.</summary>
    internal StoredMutation ReadMutation(DbDataReader r) =>
        new((Guid)FromDb(ColumnType.Uuid, r, 0)!, (Guid)FromDb(ColumnType.Uuid, r, 1)!, r.GetString(2), r.GetString(3), Enum.Parse<MutationStatus>(r.GetString(4)),
            r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), (DateTimeOffset)FromDb(ColumnType.Timestamp, r, 7)!);
}
