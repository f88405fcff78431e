namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>A fresh device pulling N advisory rows over HTTP, beside the raw limits of the same rows.</summary>
internal sealed record InitialSyncReport : BenchReport
{
    /// <summary>Advisory rows on the device after the sync (the N asked for).</summary>
    public required long Rows { get; init; }

    /// <summary>Rows the sync wrote in all (the advisories plus the farmer's own profile and crop cycle).</summary>
    public required int RowsPulled { get; init; }

    public required int Pages { get; init; }

    public required double Seconds { get; init; }

    public required double RowsPerSecond { get; init; }

    /// <summary>
    /// CPU this process used during the sync (device and in-process server together, every thread): on a shared machine
    /// it moves far less than <see cref="Seconds"/>, so it is the figure to compare builds by.
    /// </summary>
    public required double CpuSeconds { get; init; }

    public required long Requests { get; init; }

    public required long Retries { get; init; }

    public required long WireBytesUp { get; init; }

    public required long WireBytesDown { get; init; }

    public required long WireBytes { get; init; }

    public required double BytesPerRow { get; init; }

    public required MemoryFigures Memory { get; init; }

    /// <summary>The same rows inserted into an empty SQLite file with one prepared statement in one transaction.</summary>
    public required RateFigures RawInsert { get; init; }

    /// <summary>The same rows' values as bare JSON arrays, brotli-compressed as one stream at the server's quality (and at quality 4).</summary>
    public required BareBrotliFigures BareBrotli { get; init; }

    /// <summary>Sync rows/s ÷ raw insert rows/s (target ≥ 0.5).</summary>
    public required double InsertRateRatio { get; init; }

    /// <summary>Wire bytes ÷ bare brotli bytes at the server's quality (target ≤ 1.15).</summary>
    public required double WireRatio { get; init; }

    /// <summary>Wire bytes ÷ bare brotli bytes at quality 4, the server's earlier, denser setting.</summary>
    public required double WireRatioAtQuality4 { get; init; }

    /// <summary>Time to write the rows on the server through its store's write sessions (setup, not the sync).</summary>
    public required double SeedSeconds { get; init; }

    /// <summary>Where the time and bytes go (with --breakdown).</summary>
    public InitialSyncBreakdown? Breakdown { get; init; }
}
