using System.Diagnostics;
using System.Globalization;
using KhetiSahayak.Cli.Bench.Measurement;
using KhetiSahayak.Cli.Bench.Reports;
using KhetiSahayak.Sync.Scopes;
using Microsoft.Data.Sqlite;

namespace KhetiSahayak.Cli.Bench.Scenarios;

/// <summary>
/// <c>kheti bench bulk-load --rows N</c>: N advisory translations into the server database four ways: the
/// database's raw bulk path into a plain table, the same path into the synced table (rows stamped as the store
/// requires), the server store's write sessions one upsert per row, and the advisory importer through the store's
/// bulk path (with the raw bulk path on exactly the rows it wrote, for a like-for-like ratio).
/// </summary>
internal static class BulkLoadScenario
{
    public const string Name = "bulk-load";

    /// <summary>Rows per write-session transaction.</summary>
    public const int SessionBatch = 5_000;

    public static async Task<BulkLoadReport> RunAsync(BenchSettings settings, int rows, string? lgdDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        await using var env = await BenchEnvironment.StartAsync(settings, cancellationToken);
        var data = env.Data;
        var table = data.Translation;
        IEnumerable<object?[]> Rows() => data.Translations(rows, BenchData.District, stream: 1);

        RateFigures raw, rawSynced;
        if (settings.Store == BenchStore.Postgres)
        {
            var cs = env.Database.ConnectionString!;
            settings.Status?.Report($"raw: COPY {rows:N0} rows into a plain table");
            await env.Database.ExecAsync(RawBaselines.PostgresPlainTableSql("bench_raw_translation", table), cancellationToken);

            // Untimed warm-up (JIT, connection, COPY code paths): the first timed COPY otherwise paid for it alone.
            await RawBaselines.PostgresCopyAsync(cs, "bench_raw_translation", table, data.Translations(Math.Min(rows, 2_000), BenchData.District, stream: 2), "warm-up", cancellationToken);
            await env.Database.ExecAsync("TRUNCATE \"bench_raw_translation\"", cancellationToken);
            await env.Database.SettleAsync(cancellationToken);
            raw = await RawBaselines.PostgresCopyAsync(cs, "bench_raw_translation", table, Rows(), "PostgreSQL: binary COPY into a plain table (primary key, no triggers)", cancellationToken);
            settings.Status?.Report($"raw: COPY {rows:N0} rows into the synced table");
            await env.Database.SettleAsync(cancellationToken);
            rawSynced = await RawBaselines.PostgresCopyAsync(cs, table.Name, table, Rows(), "PostgreSQL: binary COPY into the synced table (version stamp by column default, guard trigger, indexes)", cancellationToken);
            await env.Database.ExecAsync($"TRUNCATE \"{table.Name}\", \"{table.Name}__moves\"", cancellationToken);
        }
        else
        {
            settings.Status?.Report($"raw: {rows:N0} prepared INSERTs into an empty SQLite file");
            raw = await RawBaselines.BestSqliteInsertAsync(env.WorkDirectory, table, Rows, attempts: 2, cancellationToken);
            settings.Status?.Report($"raw: {rows:N0} prepared INSERTs into the synced table");
            rawSynced = await SqliteIntoSyncedTableAsync(env.Database.SqlitePath!, table, Rows(), cancellationToken);
        }

        settings.Status?.Report($"the server store's write sessions, {SessionBatch:N0} rows a transaction");
        await env.Database.SettleAsync(cancellationToken);
        var session = await WriteSessionAsync(env, table, Rows(), cancellationToken);
        var ratio = session.RowsPerSecond / raw.RowsPerSecond;

        settings.Status?.Report($"the advisory importer, {rows:N0} translations");
        await EmptyAdvisoryTablesAsync(env, cancellationToken);
        var import = await AdvisoryImportRun.RunAsync(env, rows, lgdDirectory, cancellationToken);
        var importer = import.Rate;
        var sameRatio = import.AllRows is null || import.RawSameRows is null ? (double?)null : Math.Round(import.AllRows.RowsPerSecond / import.RawSameRows.RowsPerSecond, 3);
        var checks = new List<BenchCheck>();
        if (sameRatio is { } r)
        {
            checks.Add(new BenchCheck("importer rows/s ÷ raw bulk path rows/s, same rows", r, ">= 0.5", r >= 0.5));
        }

        if (importer is not null && rows >= 200_000)
        {
            checks.Add(new BenchCheck(string.Create(CultureInfo.InvariantCulture, $"importer seconds, {rows / 2:N0} advisories with 2 translations"), importer.Seconds, "< 10", importer.Seconds < 10));
        }

        return new BulkLoadReport
        {
            Scenario = Name,
            Store = settings.Store.ToString().ToLowerInvariant(),
            Seed = settings.Seed,
            Rows = rows,
            Importer = import.Status,
            ImporterRate = importer,
            ImporterRatio = importer is null ? null : Math.Round(importer.RowsPerSecond / raw.RowsPerSecond, 3),
            ImporterAllRows = import.AllRows,
            RawSameRows = import.RawSameRows,
            ImporterSameRowsRatio = sameRatio,
            RawSameRowsByPath = import.RawSameRowsByPath,
            ImporterSyncedTablesRatio = import.AllRows is not null && import.RawSameRowsByPath?.GetValueOrDefault("synced_tables") is { } synced
                ? Math.Round(import.AllRows.RowsPerSecond / synced.RowsPerSecond, 3)
                : null,
            ImporterDryRun = import.DryRun,
            ImporterStoreSeconds = import.Breakdown,
            ImporterProcessCpuSeconds = import.ProcessCpu,
            ImporterGc = import.Gc,
            ImporterCpuPercent = import.CpuPercent,
            ImporterRounds = import.Rounds,
            Checks = checks,
            Raw = raw,
            RawIntoSyncedTable = rawSynced,
            WriteSession = session,
            WriteSessionRatio = Math.Round(ratio, 3),
            Notes =
            [
                "Rows are advisory_translation rows (≈400-character bodies, half Devanagari); generated in chunks outside the timed parts.",
                "The synced tables are emptied before each load into them, so each path starts from empty tables.",
                "The importer validates every advisory (LGD codes, crops, stages, vocabularies), plans each batch against stored rows (two set reads), locks the advisories it writes (one statement) and writes the batch's advisory rows and translations through the store's bulk path (PostgreSQL: rows with new keys by binary COPY straight into the table, others by COPY into a staging table + one upsert; SQLite: one prepared upsert reused); the next batch is read and validated meanwhile, and on PostgreSQL two batches that share no advisory are written side by side, each in its own transaction.",
                "importer_ratio divides importer translations/s by raw translations/s although the importer also writes an advisory row per two translations; importer_same_rows_ratio is like for like: every row the importer wrote, against the raw bulk path loading exactly those rows (read back from the store) into plain tables. On PostgreSQL that raw load runs twice, encoded by Npgsql's binary importer and by the store's own COPY encoder, and the faster counts (raw_same_rows_by_path has both); importer_synced_tables_ratio compares with the same rows COPied into the emptied synced tables, the floor their indexes and stamps set for any writer.",
                "The like-for-like comparison runs in rounds (importer_rounds): the importer into emptied tables, then the raw load of exactly the rows it stored, so both sides of a round's ratio meet the machine in the same state. The round with the median ratio counts: every importer_* and raw_same_rows figure is that round's; the synced tables' load runs once, after the last round.",
                "importer_dry_run is the importer with nothing written: reading, parsing and validating the file and planning against the empty tables. importer_store_seconds adds up the time spent in each kind of store call during the real run. importer_process_cpu_seconds is this process's CPU time (every thread, GC included; not the database's) in the dry run, the real run and each raw load of the same rows; importer_gc what the collector did in the first two (megabytes allocated, collections, of which gen1 and gen2, paused seconds); importer_cpu_percent the share of all cores this process and PostgreSQL used in those two (100 = the machine saturated).",
                "Write sessions are IServerStore.BeginWriteAsync + UpsertAsync per row + CommitAsync: one statement and round trip per row.",
            ],
        };
    }

    /// <summary>Empties the advisory tables and their move journals, so a load into them starts from empty tables.</summary>
    internal static async Task EmptyAdvisoryTablesAsync(BenchEnvironment env, CancellationToken cancellationToken)
    {
        string[] tables = ["advisory", "advisory__moves", "advisory_translation", "advisory_translation__moves"];
        if (env.Settings.Store == BenchStore.Postgres)
        {
            await env.Database.ExecAsync("TRUNCATE " + string.Join(", ", tables.Select(t => "\"" + t + "\"")), cancellationToken);
            return;
        }

        await using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = env.Database.SqlitePath, Pooling = false, DefaultTimeout = 60 }.ToString());
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = string.Concat(tables.Select(t => $"DELETE FROM \"{t}\";"));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<RateFigures> WriteSessionAsync(BenchEnvironment env, TableDefinition table, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var store = env.Store;
        var timed = new Stopwatch();
        var count = 0L;
        foreach (var chunk in rows.Chunk(SessionBatch))
        {
            timed.Start();
            await using (var session = await store.BeginWriteAsync(cancellationToken))
            {
                foreach (var row in chunk)
                {
                    await session.UpsertAsync(table, row, cancellationToken);
                }

                await session.CommitAsync(cancellationToken);
            }

            timed.Stop();
            count += chunk.Length;
        }

        return RateFigures.Of(string.Create(CultureInfo.InvariantCulture, $"server store write sessions: one upsert per row, {SessionBatch:N0} rows a transaction"), count, timed.Elapsed);
    }

    /// <summary>
    /// Prepared INSERTs straight into the server's SQLite table, one transaction, stamped as the SQLite store stamps a
    /// write transaction (its clock bumped once, every row carrying the new value): what a bulk importer on SQLite
    /// could reach.
    /// </summary>
    private static async Task<RateFigures> SqliteIntoSyncedTableAsync(string path, TableDefinition table, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 60 }.ToString());
        await conn.OpenAsync(cancellationToken);
        var timed = Stopwatch.StartNew();
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        long version;
        await using (var clock = conn.CreateCommand())
        {
            clock.Transaction = tx;
            clock.CommandText = "UPDATE ks_state SET clock = clock + 1 WHERE id = 1 RETURNING clock";
            version = (long)(await clock.ExecuteScalarAsync(cancellationToken))!;
        }

        await using var insert = conn.CreateCommand();
        insert.Transaction = tx;
        var columns = string.Join(", ", table.Columns.Select(c => "\"" + c.Name + "\""));
        var values = string.Join(", ", table.Columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)));
        insert.CommandText = $"INSERT INTO \"{table.Name}\" ({columns}, _version, _deleted, _deleted_at) VALUES ({values}, @v, 0, NULL)";
        for (var i = 0; i < table.Columns.Count; i++)
        {
            insert.Parameters.Add(new SqliteParameter("@p" + i.ToString(CultureInfo.InvariantCulture), null));
        }

        insert.Parameters.Add(new SqliteParameter("@v", version));
        insert.Prepare();
        timed.Stop();
        var count = 0L;
        foreach (var chunk in rows.Chunk(10_000))
        {
            timed.Start();
            foreach (var row in chunk)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    insert.Parameters[i].Value = RawBaselines.SqliteValue(row[i]) ?? DBNull.Value;
                }

                insert.ExecuteNonQuery();
            }

            timed.Stop();
            count += chunk.Length;
            cancellationToken.ThrowIfCancellationRequested();
        }

        timed.Start();
        await tx.CommitAsync(cancellationToken);
        await using (var empty = conn.CreateCommand())
        {
            empty.CommandText = $"DELETE FROM \"{table.Name}\"";
            timed.Stop();
            await empty.ExecuteNonQueryAsync(cancellationToken);
        }

        return RateFigures.Of("SQLite: one prepared INSERT into the synced table (indexes, version stamp), one transaction", count, timed.Elapsed);
    }
}
