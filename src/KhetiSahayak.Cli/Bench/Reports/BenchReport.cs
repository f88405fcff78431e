using System.Text.Json.Serialization;

namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>What every scenario reports: which scenario on which store and machine, its figures, checks and notes.</summary>
internal abstract record BenchReport
{
    [JsonPropertyOrder(-10)]
    public required string Scenario { get; init; }

    [JsonPropertyOrder(-9)]
    public required string Store { get; init; }

    [JsonPropertyOrder(-8)]
    public required int Seed { get; init; }

    [JsonPropertyOrder(-7)]
    public MachineInfo Machine { get; init; } = MachineInfo.Current();

    /// <summary>What was done to the server database after seeding (PostgreSQL: ANALYZE, unless skipped).</summary>
    [JsonPropertyOrder(-6)]
    public string? AfterSeeding { get; init; }

    /// <summary>The design targets this scenario speaks to, each with the measured value.</summary>
    [JsonPropertyOrder(100)]
    public IReadOnlyList<BenchCheck> Checks { get; init; } = [];

    /// <summary>How to read the figures: what is measured where, and what is left out.</summary>
    [JsonPropertyOrder(101)]
    public IReadOnlyList<string> Notes { get; init; } = [];
}
