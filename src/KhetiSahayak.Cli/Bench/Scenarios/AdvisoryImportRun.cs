using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Advisories.Reference;
using KhetiSahayak.Cli.Bench.Measurement;
using KhetiSahayak.Cli.Bench.Reports;
using Microsoft.Extensions.Configuration;

namespace KhetiSahayak.Cli.Bench.Scenarios;

/// <summary>
/// The advisory importer (src/KhetiSahayak.Advisories) on the same load as the raw paths: a JSON file of advisories in
/// the source format, each with a hi-IN and an en-IN text, imported into the server store with LGD and crop
/// validation. The file is written before the clock starts; reading and parsing it is part of the import.
/// </summary>
internal static class AdvisoryImportRun
{
    /// <summary>What the importer did, timed: its rates, the same rows through the raw bulk path, and where the time went.</summary>
    public sealed record Figures(
        string Status,
        RateFigures? Rate,
        RateFigures? AllRows,
        RateFigures? DryRun,
        RateFigures? RawSameRows,
        IReadOnlyDictionary<string, RateFigures>? RawSameRowsByPath,
        IReadOnlyDictionary<string, double>? Breakdown,
        IReadOnlyDictionary<string, double>? ProcessCpu,
        IReadOnlyDictionary<string, GcFigures>? Gc,
        IReadOnlyDictionary<string, CpuShare>? CpuPercent,
        IReadOnlyList<ImportRound>? Rounds);

    /// <summary>
    /// Rounds of the like-for-like comparison: each imports into emptied tables and then loads the rows it stored by the
    /// raw bulk path, so both sides of a round's ratio run on the machine as it was then; the round with the median
    /// ratio counts. On a machine whose speed drifts by a sixth from minute to minute, one pair measured minutes apart
    /// decided the ratio before.
    /// </summary>
    public const int Rounds = 3;

    /// <summary>The raw path into the emptied synced tables (informational; loaded once, after the last round).</summary>
    private const string SyncedTablesPath = "synced_tables";

    /// <summary>One timed run of the importer and what it spent.</summary>
    private sealed record Attempt(AdvisoryImportSummary Summary, TimeSpan Elapsed, double CpuSeconds, GcFigures Gc, CpuShare Share, IReadOnlyDictionary<string, double> StoreSeconds);

    /// <summary>A round: the importer's run, and the raw load of the rows it stored right after it.</summary>
    private sealed record Round(Attempt Import, RateFigures Raw, IReadOnlyDictionary<string, RateFigures> ByPath, IReadOnlyDictionary<string, double> RawCpu, double Ratio);

    public static async Task<Figures> RunAsync(BenchEnvironment env, int translations, string? lgdDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(env);
        var directory = lgdDirectory ?? FindLgd(Directory.GetCurrentDirectory()) ?? FindLgd(AppContext.BaseDirectory);
        if (directory is null)
        {
            return new Figures("not measured: the LGD directory (shared/data/lgd with districts.csv) was not found; pass --lgd DIR", null, null, null, null, null, null, null, null, null, null);
        }

        var lgd = await LgdDirectory.LoadAsync(directory, cancellationToken);
        // The server's AdvisoryImport settings, as --set gives them (e.g. --set AdvisoryImport:WriteConcurrency=1).
        var options = new AdvisoryImportOptions();
        new ConfigurationBuilder().AddInMemoryCollection(env.Settings.ServerSettings.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value))).Build()
            .GetSection(AdvisoryImportOptions.SectionName).Bind(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var path = Path.Combine(env.WorkDirectory, "advisories.json");
        await using (var file = File.Create(path))
        {
            env.Data.WriteAdvisorySource(file, (translations + 1) / 2, BenchData.District, stream: 1);
        }

        // The front of the pipeline alone: read, parse, validate and plan against the (empty) tables, write nothing.
        env.Settings.Status?.Report("the advisory importer, dry run (read, validate, plan)");
        var dryImporter = new AdvisoryImporter(env.Store, env.Scopes.Catalog, lgd, CropCatalog.LoadDefault(), TimeProvider.System, new AdvisoryImportOptions { DryRun = true, BatchSize = options.BatchSize });
        var cpu = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var gc = new SortedDictionary<string, GcFigures>(StringComparer.Ordinal);
        var shares = new SortedDictionary<string, CpuShare>(StringComparer.Ordinal);
        AdvisoryImportSummary drySummary;
        TimeSpan dryElapsed;
        await env.Database.SettleAsync(cancellationToken);
        await using (var input = File.OpenRead(path))
        {
            var dryStarted = Stopwatch.GetTimestamp();
            var dryCpu = ProcessCpu();
            var dryGc = GcFigures.Start();
            var dryShare = CpuMeter.Start();
            drySummary = await dryImporter.ImportAsync(input, AdvisoryInputFormat.Json, null, cancellationToken);
            dryElapsed = Stopwatch.GetElapsedTime(dryStarted);
            cpu["dry_run"] = Math.Round((ProcessCpu() - dryCpu).TotalSeconds, 3);
            gc["dry_run"] = dryGc.Stop();
            shares["dry_run"] = Share(dryShare, env);
        }

        var rounds = new List<Round>(Rounds);
        for (var number = 1; number <= Rounds; number++)
        {
            if (number > 1)
            {
                await BulkLoadScenario.EmptyAdvisoryTablesAsync(env, cancellationToken);
            }

            env.Settings.Status?.Report($"the advisory importer, round {number} of {Rounds}");
            var timed = new TimedBulkStore(env.Store);
            var importer = new AdvisoryImporter(timed, env.Scopes.Catalog, lgd, CropCatalog.LoadDefault(), TimeProvider.System, options);
            await env.Database.SettleAsync(cancellationToken);

            // The previous round's raw load read every stored row back into this process: a full collection now, so this
            // round's collections do not pay for that garbage (the usual forced collection before a timed iteration).
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            Attempt import;
            await using (var input = File.OpenRead(path))
            {
                var started = Stopwatch.GetTimestamp();
                var importCpu = ProcessCpu();
                var importGc = GcFigures.Start();
                var importShare = CpuMeter.Start();
                var run = await importer.ImportAsync(input, AdvisoryInputFormat.Json, null, cancellationToken);
                var took = Stopwatch.GetElapsedTime(started);
                import = new Attempt(run, took, Math.Round((ProcessCpu() - importCpu).TotalSeconds, 3), importGc.Stop(), Share(importShare, env), timed.Seconds());
            }

            env.Settings.Status?.Report($"raw: the rows the importer stored, through the raw bulk path, round {number} of {Rounds}");
            var rawCpu = new SortedDictionary<string, double>(StringComparer.Ordinal);
            var (raw, byPath) = await RawOfStoredRowsAsync(env, rawCpu, syncedTables: number == Rounds, cancellationToken);
            rounds.Add(new Round(import, raw, byPath, rawCpu, raw.Seconds / Math.Max(import.Elapsed.TotalSeconds, 1e-9)));
        }

        // The median round by ratio; every importer and raw figure below is that round's (the synced tables' load, run
        // once after the last round, joins its paths).
        var counted = rounds.OrderBy(r => r.Ratio).ElementAt(Rounds / 2);
        var summary = counted.Import.Summary;
        var elapsed = counted.Import.Elapsed;
        cpu["import"] = counted.Import.CpuSeconds;
        gc["import"] = counted.Import.Gc;
        shares["import"] = counted.Import.Share;
        foreach (var (name, seconds) in counted.RawCpu)
        {
            cpu[name] = seconds;
        }

        var byPathCounted = new SortedDictionary<string, RateFigures>(counted.ByPath.Where(p => p.Key != SyncedTablesPath).ToDictionary(), StringComparer.Ordinal);
        if (rounds[^1].ByPath.TryGetValue(SyncedTablesPath, out var synced))
        {
            byPathCounted[SyncedTablesPath] = synced;
            cpu["raw_same_rows." + SyncedTablesPath] = rounds[^1].RawCpu["raw_same_rows." + SyncedTablesPath];
        }

        var status = string.Create(CultureInfo.InvariantCulture, $"measured: {summary.Inserted} advisories inserted, {summary.TranslationsWritten} translations written, {summary.Rejected} rejected, {summary.Errors} errors");
        if (summary.Issues.Count > 0)
        {
            status += "; first issue: " + summary.Issues[0].Code + " " + summary.Issues[0].Message;
        }

        var method = string.Create(CultureInfo.InvariantCulture, $"AdvisoryImporter: JSON source, {options.BatchSize} advisories a batch (one bulk write each, up to {(env.Store.ConcurrentWriteSessions ? options.WriteConcurrency : 1)} written at once); rows = translations ({summary.Inserted} advisory rows written besides)");
        var allRows = summary.Inserted + summary.TranslationsWritten;
        return new Figures(
            status,
            RateFigures.Of(method, summary.TranslationsWritten, elapsed),
            RateFigures.Of("AdvisoryImporter: the same run, rows = advisory rows + translation rows written", allRows, elapsed),
            RateFigures.Of("AdvisoryImporter dry run: read, parse, validate, plan (reads of the empty tables); nothing written; rows = translations", drySummary.Inserted * 2, dryElapsed),
            counted.Raw,
            byPathCounted,
            counted.Import.StoreSeconds,
            cpu,
            gc,
            shares,
            rounds.Select(r => new ImportRound(Math.Round(r.Import.Elapsed.TotalSeconds, 3), r.Raw.Seconds, Math.Round(r.Ratio, 3), ReferenceEquals(r, counted))).ToList());
    }

    /// <summary>The meter's shares; PostgreSQL's only when it is the store (a server running beside an SQLite run is not its).</summary>
    private static CpuShare Share(CpuMeter meter, BenchEnvironment env)
    {
        var (process, postgres, _) = meter.Stop();
        return new CpuShare(Math.Round(process, 1), env.Settings.Store == BenchStore.Postgres && postgres is { } pg ? Math.Round(pg, 1) : null);
    }

    /// <summary>
    /// The advisory and translation rows the importer stored, read back and loaded again by the raw bulk path (COPY
    /// into plain tables; prepared INSERTs into a new SQLite file): the raw figure for exactly the importer's rows.
    /// </summary>
    /// <remarks>
    /// On PostgreSQL the rows are COPied into plain tables twice, encoded by Npgsql's binary importer and by the
    /// encoder the store's bulk path uses (<c>BinaryCopyWriter</c>); the faster is the raw figure, so the importer is
    /// never measured against a slower client than its own. Then, informational, the same rows go by that encoder into
    /// the emptied synced tables (their indexes, stamp default and trigger): the floor the schema sets for any writer.
    /// </remarks>
    private static async Task<(RateFigures Raw, IReadOnlyDictionary<string, RateFigures> ByPath)> RawOfStoredRowsAsync(BenchEnvironment env, SortedDictionary<string, double> cpu, bool syncedTables, CancellationToken cancellationToken)
    {
        var advisory = env.Scopes.Catalog["advisory"];
        var translation = env.Scopes.Catalog["advisory_translation"];
        var advisories = (await env.Store.ReadRowsAsync(advisory, null, null, cancellationToken)).Select(r => r.Values).ToList();
        var translations = (await env.Store.ReadRowsAsync(translation, null, null, cancellationToken)).Select(r => r.Values).ToList();
        var rows = advisories.Count + translations.Count;
        var byPath = new SortedDictionary<string, RateFigures>(StringComparer.Ordinal);
        if (env.Settings.Store == BenchStore.Postgres)
        {
            var cs = env.Database.ConnectionString!;
            async Task<RateFigures?> TimedAsync(string name, string method, Func<Task<(RateFigures? A, RateFigures? T)>> load)
            {
                await env.Database.SettleAsync(cancellationToken);
                var rawCpu = ProcessCpu();
                var (a, t) = await load();
                cpu["raw_same_rows." + name] = Math.Round((ProcessCpu() - rawCpu).TotalSeconds, 3);
                if (a is null || t is null)
                {
                    return null;
                }

                var figures = RateFigures.Of(method, rows, TimeSpan.FromSeconds(a.Seconds + t.Seconds));
                byPath[name] = figures;
                return figures;
            }

            // Dropped first: every round loads its rows into new, empty plain tables.
            async Task PlainTablesAsync(string prefix) => await env.Database.ExecAsync(
                $"DROP TABLE IF EXISTS \"{prefix}advisory\", \"{prefix}translation\"; " + RawBaselines.PostgresPlainTableSql(prefix + "advisory", advisory) + "; " + RawBaselines.PostgresPlainTableSql(prefix + "translation", translation), cancellationToken);

            await PlainTablesAsync("bench_raw_same_");
            var npgsql = await TimedAsync("npgsql_importer", "PostgreSQL: binary COPY by Npgsql's NpgsqlBinaryImporter of the importer's stored advisory and translation rows into plain tables", async () => (
                await RawBaselines.PostgresCopyAsync(cs, "bench_raw_same_advisory", advisory, advisories, "advisory", cancellationToken),
                await RawBaselines.PostgresCopyAsync(cs, "bench_raw_same_translation", translation, translations, "translation", cancellationToken)));
            await PlainTablesAsync("bench_raw_direct_");
            var direct = await TimedAsync("store_encoder", "PostgreSQL: binary COPY encoded by the store's BinaryCopyWriter of the importer's stored advisory and translation rows into plain tables", async () => (
                await RawBaselines.PostgresDirectCopyAsync(cs, "bench_raw_direct_advisory", advisory, advisories, "advisory", cancellationToken),
                await RawBaselines.PostgresDirectCopyAsync(cs, "bench_raw_direct_translation", translation, translations, "translation", cancellationToken)));
            if (syncedTables)
            {
                await env.Database.ExecAsync("TRUNCATE \"advisory\", \"advisory__moves\", \"advisory_translation\", \"advisory_translation__moves\"", cancellationToken);
                await TimedAsync(SyncedTablesPath, "PostgreSQL: binary COPY encoded by the store's BinaryCopyWriter of the same rows into the emptied synced tables (indexes, stamp default and trigger)", async () => (
                    await RawBaselines.PostgresDirectCopyAsync(cs, "advisory", advisory, advisories, "advisory", cancellationToken),
                    await RawBaselines.PostgresDirectCopyAsync(cs, "advisory_translation", translation, translations, "translation", cancellationToken)));
            }

            var fastest = direct is not null && direct.Seconds < npgsql!.Seconds ? direct : npgsql!;
            return (fastest, byPath);
        }

        var file = Path.Combine(env.WorkDirectory, "raw-same-rows.db");
        var sqliteCpu = ProcessCpu();
        var sa = await RawBaselines.SqliteInsertAsync(file, advisory, advisories, cancellationToken);
        var st = await RawBaselines.SqliteInsertAsync(file, translation, translations, cancellationToken);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(f);
        }

        cpu["raw_same_rows"] = Math.Round((ProcessCpu() - sqliteCpu).TotalSeconds, 3);
        var sqlite = RateFigures.Of("SQLite: prepared INSERTs of the importer's stored advisory and translation rows into a new file, one transaction per table", rows, TimeSpan.FromSeconds(sa.Seconds + st.Seconds));
        byPath["prepared_insert"] = sqlite;
        return (sqlite, byPath);
    }

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static string? FindLgd(string start)
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(d.FullName, "shared", "data", "lgd"), Path.Combine(d.FullName, "data", "lgd") })
            {
                if (File.Exists(Path.Combine(candidate, "districts.csv")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
