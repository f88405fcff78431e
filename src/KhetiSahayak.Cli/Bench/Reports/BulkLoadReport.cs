namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>Loading N advisory rows into the server database by different paths.</summary>
internal sealed record BulkLoadReport : BenchReport
{
    public required int Rows { get; init; }

    /// <summary>Whether the advisory importer (src/KhetiSahayak.Advisories) was measured, and what it did (or why not).</summary>
    public required string Importer { get; init; }

    /// <summary>The database's own bulk path into a plain copy of the table (no sync bookkeeping).</summary>
    public required RateFigures Raw { get; init; }

    /// <summary>The bulk path into the synced table itself, rows stamped with versions as the store requires.</summary>
    public required RateFigures RawIntoSyncedTable { get; init; }

    /// <summary>The server store's write sessions (one upsert per row), as every server write goes today.</summary>
    public required RateFigures WriteSession { get; init; }

    /// <summary>The advisory importer on the same translations (from a JSON source file).</summary>
    public RateFigures? ImporterRate { get; init; }

    /// <summary>Importer translation rows/s ÷ raw rows/s.</summary>
    public double? ImporterRatio { get; init; }

    /// <summary>The importer's run counting every row it wrote (advisory rows and translation rows).</summary>
    public RateFigures? ImporterAllRows { get; init; }

    /// <summary>The raw bulk path loading exactly the rows the importer stored (advisory and translation rows).</summary>
    public RateFigures? RawSameRows { get; init; }

    /// <summary>Importer rows/s (all rows) ÷ raw rows/s of the same rows: the like-for-like ratio.</summary>
    public double? ImporterSameRowsRatio { get; init; }

    /// <summary>
    /// Every raw load of the importer's rows, by path: on PostgreSQL into plain tables by Npgsql's binary importer and
    /// by the store's own COPY encoder (<see cref="RawSameRows"/> is the faster), and into the emptied synced tables.
    /// </summary>
    public IReadOnlyDictionary<string, RateFigures>? RawSameRowsByPath { get; init; }

    /// <summary>
    /// Importer rows/s ÷ rows/s of the raw COPY of the same rows into the synced tables: what the importer costs beyond
    /// the floor the synced schema (indexes, stamps) sets for any writer. Informational; the target is on
    /// <see cref="ImporterSameRowsRatio"/>.
    /// </summary>
    public double? ImporterSyncedTablesRatio { get; init; }

    /// <summary>The importer with nothing written (read, parse, validate, plan): the front of its pipeline alone.</summary>
    public RateFigures? ImporterDryRun { get; init; }

    /// <summary>Seconds the importer spent in each kind of store call (the rest of its time is reading and validating, overlapped).</summary>
    public IReadOnlyDictionary<string, double>? ImporterStoreSeconds { get; init; }

    /// <summary>
    /// CPU seconds of this process (all its threads) during the importer's dry run, its real run and the raw bulk path
    /// on its rows: on a shared, loaded machine wall time swings with the neighbours, CPU time much less.
    /// </summary>
    public IReadOnlyDictionary<string, double>? ImporterProcessCpuSeconds { get; init; }

    /// <summary>The collector during the importer's dry run and real run: allocations, collections, paused time.</summary>
    public IReadOnlyDictionary<string, GcFigures>? ImporterGc { get; init; }

    /// <summary>
    /// Share of all cores (100 = every core busy) used during the importer's dry run and real run by this process and,
    /// on Linux, by PostgreSQL: how far the import is from saturating the machine.
    /// </summary>
    public IReadOnlyDictionary<string, CpuShare>? ImporterCpuPercent { get; init; }

    /// <summary>
    /// The rounds of the like-for-like comparison: each the importer's run into emptied tables, then the raw load of the
    /// rows it stored. The round with the median ratio is the one every importer_* and raw_same_rows figure describes.
    /// </summary>
    public IReadOnlyList<ImportRound>? ImporterRounds { get; init; }

    /// <summary>Write-session rows/s ÷ raw rows/s.</summary>
    public required double WriteSessionRatio { get; init; }
}
