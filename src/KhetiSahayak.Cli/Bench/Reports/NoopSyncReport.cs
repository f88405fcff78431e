namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>A device that is up to date syncing again: what nothing costs.</summary>
internal sealed record NoopSyncReport : BenchReport
{
    public required int Repeats { get; init; }

    /// <summary>HTTP requests of one no-op sync (the design says 1).</summary>
    public required double RequestsPerSync { get; init; }

    public required double BytesUpPerSync { get; init; }

    public required double BytesDownPerSync { get; init; }

    public required LatencySummary LatencyMs { get; init; }

    /// <summary>Database commands the server ran per no-op sync (PostgreSQL only).</summary>
    public double? DbCommandsPerSync { get; init; }

    /// <summary>Rows written by the no-op syncs in all (should be 0).</summary>
    public required int RowsWritten { get; init; }
}
