namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>
/// Memory over a measured window. The server runs in the same process as the device, so every figure covers both:
/// <see cref="HeapPeakDeltaBytes"/> is the managed heap's sampled high-water mark above the baseline taken after a
/// full collection; <see cref="PeakRssBytes"/> is the process's peak resident set, from the source named.
/// </summary>
internal sealed record MemoryFigures(
    long HeapBaselineBytes,
    long HeapPeakDeltaBytes,
    long AllocatedBytes,
    long RssBaselineBytes,
    long PeakRssBytes,
    string PeakRssSource);
