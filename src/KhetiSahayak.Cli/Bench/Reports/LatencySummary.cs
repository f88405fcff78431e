namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>Latencies in milliseconds: count, percentiles (nearest rank), max and mean.</summary>
internal sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        return new LatencySummary(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), Math.Round(sorted[^1], 2), Math.Round(sorted.Average(), 2));
    }

    private static double Rank(double[] sorted, double p) =>
        Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 2);
}
