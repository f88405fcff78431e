using System.Runtime;
using System.Runtime.InteropServices;

namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>
/// Where the figures were measured. The load average (Linux, read when the report is made) says whether other work
/// shared the cores during the run; on a shared machine, compare runs made at a low load.
/// </summary>
internal sealed record MachineInfo(int Cores, string Os, string Runtime, string Gc, string? LoadAverage)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        (GCSettings.IsServerGC ? "server" : "workstation") + (GCSettings.LatencyMode == GCLatencyMode.Batch ? string.Empty : ", concurrent"),
        ReadLoadAverage());

    private static string? ReadLoadAverage()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return fields.Length >= 3 ? string.Join(' ', fields[..3]) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
