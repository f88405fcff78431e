using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Relational;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;
using Npgsql;
using NpgsqlTypes;

namespace KhetiSahayak.Sync.PostgreSql;

/// <summary>
/// The PostgreSQL server store. Rows are stamped by trigger with the writing transaction's id
/// (<c>pg_current_xact_id()</c>) and cursors are snapshots (<c>pg_current_snapshot()</c>): a pull delivers the rows
/// whose transaction is visible in its target snapshot and was not visible in the previous one, so a transaction that
/// began earlier but commits later is still delivered at the next pull, never skipped.
/// </summary>
public sealed partial class PostgresServerStore : RelationalServerStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresServerStore(string connectionString)
    {
        // The same few statements run on every sync: automatic preparation measured +25% delta-sync throughput.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 200;
            builder.AutoPrepareMinUsages = 2;
        }

        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task ProvisionAsync(ScopeSet scopes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        RegisterMoveColumns(scopes);
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);

        // Several nodes may start at once; one provisions at a time.
        await ExecAsync(conn, tx, "SELECT pg_advisory_xact_lock(4242000001)", cancellationToken);
        await ExecAsync(conn, tx, CommonDdl(), cancellationToken);
        await ExecAsync(conn, tx, """
            CREATE TABLE IF NOT EXISTS ks_state (id int PRIMARY KEY CHECK (id = 1), purged_through xid8 NOT NULL);
            INSERT INTO ks_state (id, purged_through) VALUES (1, '0') ON CONFLICT (id) DO NOTHING;
            -- Every row written is stamped with its transaction's id. Inserts take it from the column default, so
            -- a COPY or INSERT that leaves _version out never calls plpgsql; the trigger's WHEN only lets rows through
            -- whose stamp is not this transaction's (an UPDATE keeping the old one, an explicit other value), and
            -- those it stamps. Re-provisioning an older database installs both (ALTER ... SET DEFAULT, CREATE OR
            -- REPLACE TRIGGER).
            CREATE OR REPLACE FUNCTION ks_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW._version := pg_current_xact_id();
                RETURN NEW;
            END $$;
            """, cancellationToken);

        foreach (var table in scopes.Catalog.Tables)
        {
            var t = Q(table.Name);
            var key = Q(table.Key);
            await ExecAsync(conn, tx, CreateTableSql(table, "xid8"), cancellationToken);
            foreach (var c in table.Columns)
            {
                await ExecAsync(conn, tx, $"ALTER TABLE {t} ADD COLUMN IF NOT EXISTS {Q(c.Name)} {SqlType(c.Type)} NULL", cancellationToken);
            }

            await ExecAsync(conn, tx, $"""
                CREATE INDEX IF NOT EXISTS {Q(table.Name + "__ks_version")} ON {t} (_version, {key});
                ALTER TABLE {t} ALTER COLUMN _version SET DEFAULT pg_current_xact_id();
                CREATE OR REPLACE TRIGGER ks_stamp BEFORE INSERT OR UPDATE ON {t} FOR EACH ROW
                    WHEN (NEW._version IS DISTINCT FROM pg_current_xact_id()) EXECUTE FUNCTION ks_stamp();
                CREATE OR REPLACE FUNCTION {Q(table.Name + "__ks_soft_delete")}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    -- A plain DELETE becomes a tombstone so devices learn of it; only the purge job removes rows.
                    UPDATE {t} SET _deleted = TRUE, _deleted_at = now() WHERE {key} = OLD.{key} AND NOT _deleted;
                    RETURN NULL;
                END $$;
                CREATE OR REPLACE TRIGGER ks_soft_delete BEFORE DELETE ON {t} FOR EACH ROW
                    WHEN (current_setting('ks.purge', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION {Q(table.Name + "__ks_soft_delete")}();
                """, cancellationToken);
            foreach (var idx in table.Indexes)
            {
                await ExecAsync(conn, tx, $"CREATE INDEX IF NOT EXISTS {Q(table.Name + "__" + string.Join("_", idx))} ON {t} ({string.Join(", ", idx.Select(Q))})", cancellationToken);
            }

            if (!MoveColumns.TryGetValue(table.Name, out var moveCols))
            {
                continue;
            }

            var moves = Q(table.Name + MovesSuffix);
            await ExecAsync(conn, tx, CreateMovesTableSql(table, "xid8", "now()"), cancellationToken);
            foreach (var c in moveCols)
            {
                await ExecAsync(conn, tx, $"ALTER TABLE {moves} ADD COLUMN IF NOT EXISTS {Q(c)} {SqlType(table.Columns[table.Ordinal(c)].Type)} NULL", cancellationToken);
            }

            var oldCols = string.Join(", ", moveCols.Select(c => "OLD." + Q(c)));
            var newCols = string.Join(", ", moveCols.Select(c => "NEW." + Q(c)));
            await ExecAsync(conn, tx, $"""
                CREATE INDEX IF NOT EXISTS {Q(table.Name + "__moves_version")} ON {moves} (_version, row_key);
                CREATE OR REPLACE FUNCTION {Q(table.Name + "__ks_move")}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO {moves} (_version, row_key, {string.Join(", ", moveCols.Select(Q))})
                    VALUES (pg_current_xact_id(), OLD.{key}, {oldCols});
                    RETURN NULL;
                END $$;
                CREATE OR REPLACE TRIGGER ks_move AFTER UPDATE ON {t} FOR EACH ROW
                    WHEN (NOT OLD._deleted AND ROW({oldCols}) IS DISTINCT FROM ROW({newCols})) EXECUTE FUNCTION {Q(table.Name + "__ks_move")}();
                """, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<string> GetWatermarkAsync(CancellationToken cancellationToken)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT pg_current_snapshot()::text");
        return (string)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    public override bool IsWellFormedWatermark(string watermark) => watermark.Length < 8192 && SnapshotPattern().IsMatch(watermark);

    public override async Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken)
    {
        // Conservative: any purged transaction at or above the snapshot's xmin may not have been seen by the device.
        await using var cmd = _dataSource.CreateCommand("SELECT purged_through <> '0'::xid8 AND purged_through >= pg_snapshot_xmin(@w::text::pg_snapshot) FROM ks_state WHERE id = 1");
        cmd.Parameters.AddWithValue("w", watermark);
        return (bool)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Npgsql 10.0.0 with auto-prepare: a statement that fails while it is being prepared (a value refused at bind,
    /// e.g. a NUL in text) is left marked prepared without its row description, and its next use on this connection
    /// throws "unexpected backend message DataRow" (reproduced with plain Npgsql). Dropping the connection's prepared
    /// statements after such a failure avoids it; failures are rare, so re-preparing costs nothing that matters.
    /// </summary>
    protected override void AfterFailedStatement(DbConnection connection) => ((NpgsqlConnection)connection).UnprepareAll();

    /// <summary>Write sessions take row locks, so bulk writers on separate connections run side by side.</summary>
    public override bool ConcurrentWriteSessions => true;

    public override async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var tx = await conn.BeginTransactionAsync(cancellationToken);
            return new RelationalWriteSession(this, conn, tx, "pg_current_xact_id()", null, "FOR UPDATE");
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The bulk upsert on PostgreSQL. Rows whose key is not stored at all go straight into the table by binary COPY
    /// (under a savepoint: if a concurrent writer inserted one of them meanwhile, the whole set takes the staged path
    /// instead). The others are COPied into a staging table private to the transaction and written by one
    /// <c>INSERT ... SELECT ... ON CONFLICT DO UPDATE ... WHERE</c> that leaves rows equal to the stored ones untouched.
    /// Either way the table's triggers fire for each row written, so it is stamped with this transaction's id and a
    /// filter-column change is journalled as a move, exactly as for a single upsert.
    /// </summary>
    protected override Task<long> UpsertManyAsync(DbConnection connection, DbTransaction transaction, TableDefinition table, IReadOnlyList<object?[]> rows, string stampSql, object? stampValue, CancellationToken cancellationToken) =>
        BulkWriteAsync((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, table, rows, stampSql, believedNew: false, cancellationToken);

    /// <summary>
    /// The caller's planning read found none of these keys, so the existence query is skipped and every row goes to
    /// the COPY straight into the table; the savepoint and the staged fallback stay, so a key stored after all (a
    /// concurrent writer, a tombstone the caller did not see) still ends as an upsert of the whole set.
    /// </summary>
    protected override Task<long> InsertNewManyAsync(DbConnection connection, DbTransaction transaction, TableDefinition table, IReadOnlyList<object?[]> rows, string stampSql, object? stampValue, CancellationToken cancellationToken) =>
        BulkWriteAsync((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, table, rows, stampSql, believedNew: true, cancellationToken);

    /// <summary>
    /// Every set COPied straight into its table under one savepoint. The unique keys check each row as it goes in
    /// (waiting for a concurrent writer that holds the key, failing once it commits), and tombstones are rows too, so
    /// a unique violation means some key is stored: the savepoint is rolled back and the answer is false. A deadlock
    /// means the same: two writers each hold a new key the other is inserting (overlapping keys in different orders),
    /// and PostgreSQL aborts one COPY. Its writer is told a key is taken, so it goes on to lock and plan (waiting
    /// for the other writer, which no longer waits for it) instead of failing its whole import.
    /// </summary>
    protected override async Task<bool?> TryInsertAllNewAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewRows> sets, string stampSql, object? stampValue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var conn = (NpgsqlConnection)connection;
        var tx = (NpgsqlTransaction)transaction;
        await tx.SaveAsync("ks_new", cancellationToken);
        try
        {
            foreach (var set in sets)
            {
                await CopyAsync(conn, Q(set.Table.Name), set.Table, set.Rows, cancellationToken);
            }
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
        {
            await tx.RollbackAsync("ks_new", cancellationToken);
            return false;
        }

        await tx.ReleaseAsync("ks_new", cancellationToken);
        return true;
    }

    private async Task<long> BulkWriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, TableDefinition table, IReadOnlyList<object?[]> rows, string stampSql, bool believedNew, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        List<object?[]> fresh, staged;
        if (believedNew)
        {
            await tx.SaveAsync("ks_bulk", cancellationToken);
            fresh = rows as List<object?[]> ?? [.. rows];
            staged = [];
        }
        else
        {
            (fresh, staged) = await SplitByStoredAsync(conn, tx, table, rows, cancellationToken);
        }

        long written = 0;
        if (fresh.Count > 0)
        {
            try
            {
                await CopyAsync(conn, Q(table.Name), table, fresh, cancellationToken);
                written += fresh.Count;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
            {
                // A concurrent writer stored one of the keys, or holds it while waiting for one of ours (a deadlock,
                // which PostgreSQL ended by aborting this COPY): either way the rows take the staged upsert, which
                // waits for that writer and then overwrites its rows (the later commit wins).
                await tx.RollbackAsync("ks_bulk", cancellationToken);
                written = 0;
                staged = [.. rows];
            }
        }

        if (staged.Count == 0)
        {
            await tx.ReleaseAsync("ks_bulk", cancellationToken);
            return written;
        }

        // ON COMMIT DROP: gone at commit, and a rollback takes its creation with it; a second bulk write to the same
        // table in one transaction reuses (and first empties) it.
        var stage = Q("ks_bulk__" + table.Name);
        var columns = string.Join(", ", table.Columns.Select(c => Q(c.Name)));
        await ExecAsync(conn, tx, $"RELEASE SAVEPOINT ks_bulk; CREATE TEMP TABLE IF NOT EXISTS {stage} ({string.Join(", ", table.Columns.Select(c => Q(c.Name) + " " + SqlType(c.Type)))}) ON COMMIT DROP; TRUNCATE {stage}", cancellationToken);
        await CopyAsync(conn, stage, table, staged, cancellationToken);
        await using var upsert = new NpgsqlCommand($"INSERT INTO {Q(table.Name)} ({columns}, _deleted, _deleted_at, _version) SELECT {columns}, FALSE, NULL, {stampSql} FROM {stage} {BulkConflictClause(table)}", conn, tx);
        return written + await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Sets the savepoint the COPY of new keys runs under and splits the rows into those whose key is not stored at
    /// all and the others, in one round trip: on a loaded server every round trip costs more than either statement.
    /// </summary>
    private async Task<(List<object?[]> Fresh, List<object?[]> Staged)> SplitByStoredAsync(NpgsqlConnection conn, NpgsqlTransaction tx, TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var keys = new Guid[rows.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (Guid)rows[i][table.KeyOrdinal]!;
        }

        var stored = new HashSet<Guid>();
        await using (var exists = new NpgsqlCommand($"SAVEPOINT ks_bulk; SELECT {Q(table.Key)} FROM {Q(table.Name)} WHERE {InKeyList(Q(table.Key), "@k")}", conn, tx))
        {
            exists.Parameters.AddWithValue("k", keys);
            await using var reader = await exists.ExecuteReaderAsync(cancellationToken);
            while (reader.FieldCount == 0 && await reader.NextResultAsync(cancellationToken))
            {
                // Past the SAVEPOINT's empty result.
            }

            while (await reader.ReadAsync(cancellationToken))
            {
                stored.Add(reader.GetGuid(0));
            }
        }

        if (stored.Count == 0)
        {
            return (rows as List<object?[]> ?? [.. rows], []);
        }

        List<object?[]> fresh = [], staged = [];
        for (var i = 0; i < keys.Length; i++)
        {
            (stored.Contains(keys[i]) ? staged : fresh).Add(rows[i]);
        }

        return (fresh, staged);
    }

    /// <summary>
    /// Binary COPY of the rows' catalog columns into <paramref name="target"/> (other columns take defaults or triggers'
    /// values): encoded by <see cref="BinaryCopyWriter"/> when every value has a form it encodes, by Npgsql's typed
    /// importer otherwise.
    /// </summary>
    private async Task CopyAsync(NpgsqlConnection conn, string target, TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var command = $"COPY {target} ({string.Join(", ", table.Columns.Select(c => Q(c.Name)))}) FROM STDIN (FORMAT BINARY)";
        if (BinaryCopyWriter.Supports(table, rows))
        {
            await BinaryCopyWriter.WriteAsync(conn, command, table, rows, cancellationToken);
            return;
        }

        var types = table.Columns.Select(c => CopyType(c.Type)).ToArray();
        await using var import = await conn.BeginBinaryImportAsync(command, cancellationToken);
        foreach (var row in rows)
        {
            await import.StartRowAsync(cancellationToken);
            for (var i = 0; i < types.Length; i++)
            {
                await WriteValueAsync(import, ToDb(table.Columns[i].Type, row[i]), types[i], cancellationToken);
            }
        }

        await import.CompleteAsync(cancellationToken);
    }

    // Typed writes: an object-typed write makes the driver resolve a converter for every value.
    private static Task WriteValueAsync(NpgsqlBinaryImporter import, object? value, NpgsqlDbType type, CancellationToken cancellationToken) => value switch
    {
        null => import.WriteNullAsync(cancellationToken),
        string text => import.WriteAsync(text, type, cancellationToken),
        Guid uuid => import.WriteAsync(uuid, type, cancellationToken),
        long integer => import.WriteAsync(integer, type, cancellationToken),
        double real => import.WriteAsync(real, type, cancellationToken),
        bool flag => import.WriteAsync(flag, type, cancellationToken),
        DateOnly date => import.WriteAsync(date, type, cancellationToken),
        DateTimeOffset timestamp => import.WriteAsync(timestamp, type, cancellationToken),
        _ => import.WriteAsync(value, type, cancellationToken),
    };

    private static NpgsqlDbType CopyType(ColumnType type) => type switch
    {
        ColumnType.Uuid => NpgsqlDbType.Uuid,
        ColumnType.Integer => NpgsqlDbType.Bigint,
        ColumnType.Real => NpgsqlDbType.Double,
        ColumnType.Boolean => NpgsqlDbType.Boolean,
        ColumnType.Date => NpgsqlDbType.Date,
        ColumnType.Timestamp => NpgsqlDbType.TimestampTz,
        _ => NpgsqlDbType.Text,
    };

    public override async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        // Serialized with provisioning (same advisory lock), whose ALTER TABLEs would otherwise deadlock with the deletes.
        await ExecAsync(conn, tx, "SELECT pg_advisory_xact_lock(4242000001)", cancellationToken);
        await ExecAsync(conn, tx, "SET LOCAL ks.purge = 'on'", cancellationToken);
        var (count, max) = await PurgeRowsAsync(conn, tx, cutoff, cancellationToken);
        await using (var cmd = new NpgsqlCommand("UPDATE ks_state SET purged_through = GREATEST(purged_through, @max::text::xid8) WHERE id = 1", conn, tx))
        {
            cmd.Parameters.AddWithValue("max", max.ToString(CultureInfo.InvariantCulture));
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return count;
    }

    protected override string SqlType(ColumnType type) => type switch
    {
        ColumnType.Uuid => "uuid",
        ColumnType.Integer => "bigint",
        ColumnType.Real => "double precision",
        ColumnType.Boolean => "boolean",
        ColumnType.Date => "date",
        ColumnType.Timestamp => "timestamptz",
        _ => "text",
    };

    protected override string VersionAsInteger(string alias) => $"({alias}._version::text)::bigint";

    protected override string ChangedBetween(string alias, string from, string to) =>
        $"{alias}._version >= pg_snapshot_xmin({from}::text::pg_snapshot) AND NOT pg_visible_in_snapshot({alias}._version, {from}::text::pg_snapshot) AND pg_visible_in_snapshot({alias}._version, {to}::text::pg_snapshot)";

    protected override string ChangedSince(string alias, string from) =>
        $"{alias}._version >= pg_snapshot_xmin({from}::text::pg_snapshot) AND NOT pg_visible_in_snapshot({alias}._version, {from}::text::pg_snapshot)";

    protected override string VisibleIn(string alias, string watermark) => $"pg_visible_in_snapshot({alias}._version, {watermark}::text::pg_snapshot)";

    protected override string AfterPosition(string alias, string keyColumn, string version, string key) =>
        $"({alias}._version, {alias}.{keyColumn}) > ({version}::text::xid8, {key})";

    protected override string ScalarInList(string expression, string listParameter) => $"{expression} = ANY({listParameter})";

    // "= ANY($1)" is checked row by row against the whole array: once a cached generic plan scans the table, a
    // 5,000-key planning read over 50,000 rows took seconds. A semi-join on unnest is hashed or index-probed instead.
    protected override string InKeyList(string expression, string listParameter) => $"{expression} IN (SELECT unnest({listParameter}::uuid[]))";

    protected override string JsonArrayOverlaps(string expression, string listParameter) =>
        $"EXISTS (SELECT 1 FROM jsonb_array_elements_text({expression}::jsonb) e(v) WHERE e.v = ANY({listParameter}::text[]))";

    /// <summary>
    /// The planning read of the bulk importer. Its statement is auto-prepared, and a generic plan made while the table
    /// was empty (a first import) kept scanning it for every batch as the import filled it: 100 batches of 1,000 keys
    /// into an empty advisory table spent 1.3 s in reads that found nothing. So the plan is made for each call, from
    /// the table as it is, and on an indexed column each key is one index probe (a lateral subquery the planner
    /// cannot turn into a hash join over the whole table); other columns keep the semi-join.
    /// </summary>
    protected override string RowsInSql(TableDefinition table, string column, string listParameter)
    {
        ArgumentNullException.ThrowIfNull(table);
        var indexed = column == table.Key || table.Indexes.Any(i => i.Length > 0 && i[0] == column);
        if (!indexed)
        {
            return $"SET plan_cache_mode = force_custom_plan; {base.RowsInSql(table, column, listParameter)}; RESET plan_cache_mode";
        }

        var columns = string.Join(", ", table.Columns.Select(c => "t." + Q(c.Name)));
        return "SET plan_cache_mode = force_custom_plan; " +
            $"SELECT r.* FROM (SELECT DISTINCT unnest({listParameter}::uuid[]) AS v) k CROSS JOIN LATERAL " +
            $"(SELECT {VersionAsInteger("t")} AS ks_version, {columns} FROM {Q(table.Name)} t WHERE t.{Q(column)} = k.v AND NOT t._deleted OFFSET 0) r " +
            $"ORDER BY r.{Q(table.Key)}; RESET plan_cache_mode";
    }

    protected override object ListParameter(object list) => list;

    protected override object WatermarkParameter(string watermark) => watermark;

    protected override object VersionParameter(long version) => version.ToString(CultureInfo.InvariantCulture);

    protected override object? ToDb(ColumnType type, object? value) => value switch
    {
        DateTimeOffset ts => ts.ToUniversalTime(),
        Utf8Text text => text.ToString(),
        _ => value,
    };

    protected override object? FromDb(ColumnType type, DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        return type switch
        {
            ColumnType.Uuid => reader.GetGuid(ordinal),
            ColumnType.Integer => reader.GetInt64(ordinal),
            ColumnType.Real => reader.GetDouble(ordinal),
            ColumnType.Boolean => reader.GetBoolean(ordinal),
            ColumnType.Date => reader.GetFieldValue<DateOnly>(ordinal),
            ColumnType.Timestamp => reader.GetFieldValue<DateTimeOffset>(ordinal),
            _ => reader.GetString(ordinal),
        };
    }

    [GeneratedRegex(@"^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20})*)?$")]
    private static partial Regex SnapshotPattern();
}
