namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>One design target and whether this run met it.</summary>
internal sealed record BenchCheck(string Name, double Value, string Target, bool Met);
