namespace KhetiSahayak.Cli.Simulation;

/// <summary>What <c>kheti simulate</c> runs.</summary>
public sealed record SimulationOptions(Uri Server, int Devices, int Operations, double FaultRate, int Seed, NetworkProfile Profile, string WorkDirectory)
{
    /// <summary>Devices that act at the same time.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Back-off base of the devices' transports; short, so a simulation with many faults stays quick.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(20);
}
