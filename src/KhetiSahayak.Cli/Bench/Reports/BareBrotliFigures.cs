namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>
/// Rows as bare JSON value arrays (UTF-8, no names, no versions), before and after brotli at the server's quality,
/// and after brotli at quality 4 (<see cref="BrotliBytesAtQuality4"/>) for comparison with the earlier setting.
/// </summary>
internal sealed record BareBrotliFigures(long JsonBytes, long BrotliBytes, int Quality, string Level, long BrotliBytesAtQuality4);
