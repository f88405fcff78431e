namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>A farmer's first sync through a shaped link.</summary>
internal sealed record NetworkReport : BenchReport
{
    public required string Profile { get; init; }

    public required int DownKbps { get; init; }

    public required int UpKbps { get; init; }

    public required double RoundTripMs { get; init; }

    public required int Advisories { get; init; }

    public required IReadOnlyList<string> Languages { get; init; }

    /// <summary>The farmer's own rows (profile, plots, crop cycle, activities, ledger).</summary>
    public required int OwnRows { get; init; }

    public required int RowsPulled { get; init; }

    /// <summary>Until the sync finished: the app is usable from then on.</summary>
    public required double SecondsUntilUsable { get; init; }

    public required long WireBytesUp { get; init; }

    public required long WireBytesDown { get; init; }

    public required long WireBytes { get; init; }

    public required long Requests { get; init; }

    public required int Pages { get; init; }

    /// <summary>What the link alone should cost: round trips plus body bytes at the profile's rates (headers excluded).</summary>
    public required double LinkModelSeconds { get; init; }
}
