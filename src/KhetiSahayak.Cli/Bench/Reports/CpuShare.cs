namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>CPU used during one timed part of a run, as a percentage of all cores (100 = every core busy the whole time).</summary>
/// <param name="Process">This process, every thread.</param>
/// <param name="Postgres">The PostgreSQL server's processes (Linux, PostgreSQL store only), else null.</param>
internal sealed record CpuShare(double Process, double? Postgres);
