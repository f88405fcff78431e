namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>A farmer's first install through a shaped link, two ways: a plain first sync, and a snapshot followed by a sync.</summary>
internal sealed record FirstInstallReport : BenchReport
{
    public required string Profile { get; init; }

    public required int Advisories { get; init; }

    public required IReadOnlyList<string> Languages { get; init; }

    /// <summary>The snapshot's district and language (the farmer's district and preferred language).</summary>
    public required string Snapshot { get; init; }

    public required long SnapshotFileBytes { get; init; }

    public required int SnapshotRows { get; init; }

    /// <summary>The node's one-off build of the snapshot (first request for it), unshaped.</summary>
    public required double SnapshotBuildSeconds { get; init; }

    public required FirstInstallPath Plain { get; init; }

    public required FirstInstallPath ViaSnapshot { get; init; }

    /// <summary>Every table of the two devices equal, row for row and version for version.</summary>
    public required bool Identical { get; init; }
}

/// <summary>One way to a usable first install: bytes both ways on the wire, requests, rows pulled by sync, seconds.</summary>
internal sealed record FirstInstallPath(long WireBytes, long Requests, int RowsPulledBySync, double SecondsUntilUsable);
