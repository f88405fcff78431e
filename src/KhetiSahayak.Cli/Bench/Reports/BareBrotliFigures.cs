namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>Rows as bare JSON value arrays (UTF-8, no names, no versions), before and after brotli.</summary>
internal sealed record BareBrotliFigures(long JsonBytes, long BrotliBytes, int Quality, string Level);
