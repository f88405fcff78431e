using System.Diagnostics;
using System.Globalization;

namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>
/// CPU used over a window, as a share of all cores: this process (the in-process server and the simulated devices
/// together), and on Linux the PostgreSQL processes (every process named "postgres", backends and background workers,
/// including what exited backends left in their parent's child times).
/// </summary>
internal sealed class CpuMeter
{
    private const double ClockTicksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on.

    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan _process = ProcessCpu();
    private readonly double? _postgres = PostgresCpuSeconds();

    public static CpuMeter Start() => new();

    /// <summary>Percent of all cores (100 = every core busy) since start: this process, and PostgreSQL when measurable.</summary>
    public (double ProcessPercent, double? PostgresPercent, double WallSeconds) Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var cores = Environment.ProcessorCount;
        var process = (ProcessCpu() - _process).TotalSeconds / wall / cores * 100;
        var pgNow = PostgresCpuSeconds();
        double? postgres = _postgres is not null && pgNow is not null ? (pgNow.Value - _postgres.Value) / wall / cores * 100 : null;
        return (process, postgres, wall);
    }

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static double? PostgresCpuSeconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        double ticks = 0;
        var found = false;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17); comm may contain spaces.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open || stat[(open + 1)..close] != "postgres")
            {
                continue;
            }

            var fields = stat[(close + 2)..].Split(' ');
            if (fields.Length < 15)
            {
                continue;
            }

            found = true;
            for (var i = 11; i <= 14; i++)
            {
                ticks += double.Parse(fields[i], CultureInfo.InvariantCulture);
            }
        }

        return found ? ticks / ClockTicksPerSecond : null;
    }
}
