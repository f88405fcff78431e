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

    /// <summary>Write-session rows/s ÷ raw rows/s.</summary>
    public required double WriteSessionRatio { get; init; }
}
