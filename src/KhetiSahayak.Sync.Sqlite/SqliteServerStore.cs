using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Relational;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;
using Microsoft.Data.Sqlite;

namespace KhetiSahayak.Sync.Sqlite;

/// <summary>
/// The embedded default server store: one SQLite file. SQLite has one writer at a time, so a counter bumped inside
/// each write transaction is a commit-ordered version: a reader that sees counter N sees every change up to N.
/// </summary>
public sealed class SqliteServerStore : RelationalServerStore
{
    private readonly string _connectionString;

    public SqliteServerStore(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=60000;";
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        return conn;
    }

    public override async Task ProvisionAsync(ScopeSet scopes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        RegisterMoveColumns(scopes);
        await using var conn = (SqliteConnection)await OpenConnectionAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(cancellationToken);
        var statements = new List<string>
        {
            CommonDdl(),
            "CREATE TABLE IF NOT EXISTS ks_state (id INTEGER PRIMARY KEY CHECK (id = 1), clock INTEGER NOT NULL, purged_through INTEGER NOT NULL)",
            "INSERT INTO ks_state (id, clock, purged_through) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING",
        };
        foreach (var table in scopes.Catalog.Tables)
        {
            statements.Add(CreateTableSql(table, "INTEGER"));
            statements.Add($"CREATE INDEX IF NOT EXISTS {Q(table.Name + "__ks_version")} ON {Q(table.Name)} (_version, {Q(table.Key)})");
            foreach (var idx in table.Indexes)
            {
                statements.Add($"CREATE INDEX IF NOT EXISTS {Q(table.Name + "__" + string.Join("_", idx))} ON {Q(table.Name)} ({string.Join(", ", idx.Select(Q))})");
            }
        }

        foreach (var sql in statements)
        {
            await ExecAsync(conn, tx, sql, cancellationToken);
        }

        foreach (var table in scopes.Catalog.Tables)
        {
            await AddMissingColumnsAsync(conn, tx, table.Name, table.Columns.Select(c => (c.Name, SqlType(c.Type) + " NULL")), cancellationToken);
            if (!MoveColumns.TryGetValue(table.Name, out var moveCols))
            {
                continue;
            }

            await ExecAsync(conn, tx, CreateMovesTableSql(table, "INTEGER", "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"), cancellationToken);
            await AddMissingColumnsAsync(conn, tx, table.Name + MovesSuffix, moveCols.Select(c => (c, SqlType(table.Columns[table.Ordinal(c)].Type) + " NULL")), cancellationToken);
            await ExecAsync(conn, tx, $"CREATE INDEX IF NOT EXISTS {Q(table.Name + "__moves_version")} ON {Q(table.Name + MovesSuffix)} (_version, row_key)", cancellationToken);
            var trigger = Q(table.Name + "__ks_move");
            var changedCondition = string.Join(" OR ", moveCols.Select(c => $"OLD.{Q(c)} IS NOT NEW.{Q(c)}"));
            await ExecAsync(conn, tx, $"DROP TRIGGER IF EXISTS {trigger}", cancellationToken);
            await ExecAsync(conn, tx,
                $"CREATE TRIGGER {trigger} AFTER UPDATE ON {Q(table.Name)} WHEN NOT OLD._deleted AND ({changedCondition}) BEGIN " +
                $"INSERT INTO {Q(table.Name + MovesSuffix)} (_version, row_key, {string.Join(", ", moveCols.Select(Q))}) " +
                $"VALUES (NEW._version, OLD.{Q(table.Key)}, {string.Join(", ", moveCols.Select(c => "OLD." + Q(c)))}); END",
                cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    private static async Task AddMissingColumnsAsync(SqliteConnection conn, SqliteTransaction tx, string table, IEnumerable<(string Name, string Type)> columns, CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                existing.Add(r.GetString(0));
            }
        }

        foreach (var (name, type) in columns.Where(c => !existing.Contains(c.Name)))
        {
            await ExecAsync(conn, tx, $"ALTER TABLE {Q(table)} ADD COLUMN {Q(name)} {type}", cancellationToken);
        }
    }

    private static async Task ExecAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<string> GetWatermarkAsync(CancellationToken cancellationToken)
    {
        await using var conn = await OpenConnectionAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT clock FROM ks_state WHERE id = 1";
        var v = (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
        return v.ToString(CultureInfo.InvariantCulture);
    }

    public override bool IsWellFormedWatermark(string watermark) =>
        long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    public override async Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken)
    {
        await using var conn = await OpenConnectionAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT purged_through FROM ks_state WHERE id = 1";
        var purged = (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
        return purged > long.Parse(watermark, CultureInfo.InvariantCulture);
    }

    public override async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var conn = (SqliteConnection)await OpenConnectionAsync(cancellationToken);
        try
        {
            // BEGIN IMMEDIATE: take the write lock now so the clock bump and every stamped row commit together.
            var tx = (SqliteTransaction)await conn.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE ks_state SET clock = clock + 1 WHERE id = 1 RETURNING clock";
            var version = (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
            return new RelationalWriteSession(this, conn, tx, "@ks_stamp", version, string.Empty);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public override async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var conn = await OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var (count, max) = await PurgeRowsAsync(conn, tx, cutoff, cancellationToken);
        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE ks_state SET purged_through = MAX(purged_through, @max) WHERE id = 1";
            var p = cmd.CreateParameter();
            p.ParameterName = "max";
            p.Value = max;
            cmd.Parameters.Add(p);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return count;
    }

    protected override string SqlType(ColumnType type) => SqliteValues.SqlType(type);

    protected override string VersionAsInteger(string alias) => alias + "._version";

    protected override string ChangedBetween(string alias, string from, string to) => $"{alias}._version > {from} AND {alias}._version <= {to}";

    protected override string ChangedSince(string alias, string from) => $"{alias}._version > {from}";

    protected override string VisibleIn(string alias, string watermark) => $"{alias}._version <= {watermark}";

    protected override string AfterPosition(string alias, string keyColumn, string version, string key) =>
        $"({alias}._version, {alias}.{keyColumn}) > ({version}, {key})";

    protected override string ScalarInList(string expression, string listParameter) =>
        $"{expression} IN (SELECT value FROM json_each({listParameter}))";

    protected override string JsonArrayOverlaps(string expression, string listParameter) =>
        $"EXISTS (SELECT 1 FROM json_each({expression}) e WHERE e.value IN (SELECT value FROM json_each({listParameter})))";

    protected override object ListParameter(object list) => JsonSerializer.Serialize(list);

    protected override object WatermarkParameter(string watermark) => long.Parse(watermark, CultureInfo.InvariantCulture);

    protected override object VersionParameter(long version) => version;

    protected override object? ToDb(ColumnType type, object? value) => SqliteValues.ToDb(value);

    protected override object? FromDb(ColumnType type, DbDataReader reader, int ordinal) => SqliteValues.Read(type, reader, ordinal);

    protected override Task<IReadOnlyList<ChangeRow>> ReadChangeRowsAsync(DbConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters, TableDefinition table, bool withValues, Utf8TextBuffer? text, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ChangeRow>>(SqliteChangeReader.Read((SqliteConnection)connection, sql, parameters, table, withValues, text, cancellationToken));
}
