using System.Globalization;
using KhetiSahayak.Cli.Bench.Reports;

namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>
/// Watches memory while something runs: the managed heap (sampled every few milliseconds, after a full collection
/// as the baseline), bytes allocated, and the process's peak resident set. On Linux the kernel's peak (VmHWM) is reset
/// at the start through /proc/self/clear_refs, so the peak is this window's; elsewhere the working set is sampled.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    private readonly CancellationTokenSource _stop = new();
    private readonly long _heapBaseline;
    private readonly long _allocatedBaseline;
    private readonly long _workingSetBaseline;
    private readonly bool _kernelPeak;
    private readonly Task _loop;
    private long _heapPeak;
    private long _workingSetPeak;
    private MemoryFigures? _result;

    private MemorySampler()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        _heapBaseline = GC.GetTotalMemory(false);
        _heapPeak = _heapBaseline;
        _allocatedBaseline = GC.GetTotalAllocatedBytes(precise: false);
        _workingSetBaseline = Environment.WorkingSet;
        _workingSetPeak = _workingSetBaseline;
        _kernelPeak = TryResetKernelPeak();
        _loop = Task.Run(LoopAsync);
    }

    public static MemorySampler Start() => new();

    /// <summary>Stops sampling and returns what was seen.</summary>
    public async Task<MemoryFigures> StopAsync()
    {
        if (_result is not null)
        {
            return _result;
        }

        Sample();
        await _stop.CancelAsync();
        await _loop;
        var kernelPeak = _kernelPeak ? ReadKernelPeak() : null;
        _result = new MemoryFigures(
            _heapBaseline,
            _heapPeak - _heapBaseline,
            GC.GetTotalAllocatedBytes(precise: false) - _allocatedBaseline,
            _workingSetBaseline,
            kernelPeak ?? _workingSetPeak,
            kernelPeak is not null ? "VmHWM (kernel peak RSS, reset at start)" : "sampled working set");
        return _result;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        var heap = GC.GetTotalMemory(false);
        if (heap > Volatile.Read(ref _heapPeak))
        {
            Volatile.Write(ref _heapPeak, heap);
        }

        var ws = Environment.WorkingSet;
        if (ws > Volatile.Read(ref _workingSetPeak))
        {
            Volatile.Write(ref _workingSetPeak, ws);
        }
    }

    private static bool TryResetKernelPeak()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // "5" resets the peak resident set size of the process (Linux 4.0+).
            File.WriteAllText("/proc/self/clear_refs", "5");
            return ReadKernelPeak() is not null;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long? ReadKernelPeak()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            return null;
        }

        return null;
    }
}
