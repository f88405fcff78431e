namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>Rows written by some path in some time.</summary>
internal sealed record RateFigures(string Method, long Rows, double Seconds, double RowsPerSecond)
{
    public static RateFigures Of(string method, long rows, TimeSpan elapsed) =>
        new(method, rows, Math.Round(elapsed.TotalSeconds, 3), Math.Round(rows / Math.Max(elapsed.TotalSeconds, 1e-9), 1));
}
