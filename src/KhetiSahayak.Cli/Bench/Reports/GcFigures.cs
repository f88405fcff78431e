namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>What the garbage collector did during one timed part of a run (this process, every thread).</summary>
/// <param name="AllocatedMb">Megabytes allocated.</param>
/// <param name="Collections">Collections of any generation.</param>
/// <param name="Gen1">Of those, collections of gen1 or gen2.</param>
/// <param name="Gen2">Of those, collections of gen2.</param>
/// <param name="PauseSeconds">Time every managed thread stood paused for the collector.</param>
internal sealed record GcFigures(double AllocatedMb, int Collections, int Gen1, int Gen2, double PauseSeconds)
{
    /// <summary>Starts counting; <see cref="Meter.Stop"/> gives the figures since.</summary>
    public static Meter Start() => new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    internal readonly record struct Meter(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
    {
        public GcFigures Stop() => new(
            Math.Round((GC.GetTotalAllocatedBytes() - Allocated) / 1e6, 1),
            GC.CollectionCount(0) - Gen0,
            GC.CollectionCount(1) - Gen1,
            GC.CollectionCount(2) - Gen2,
            Math.Round((GC.GetTotalPauseDuration() - Paused).TotalSeconds, 3));
    }
}
