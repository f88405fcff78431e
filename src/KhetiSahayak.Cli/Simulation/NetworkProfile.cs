namespace KhetiSahayak.Cli.Simulation;

/// <summary>A link to imitate: bandwidth each way and round-trip time.</summary>
public sealed record NetworkProfile(string Name, int DownKbps, int UpKbps, TimeSpan RoundTrip)
{
    public static NetworkProfile None { get; } = new("none", 0, 0, TimeSpan.Zero);

    /// <summary>GPRS as farmers get it: 35/15 kbps, about a second per round trip.</summary>
    public static NetworkProfile Gprs { get; } = new("gprs", 35, 15, TimeSpan.FromMilliseconds(1000));

    public static NetworkProfile Edge { get; } = new("edge", 100, 40, TimeSpan.FromMilliseconds(600));

    public static NetworkProfile Congested4G { get; } = new("congested-4g", 1500, 500, TimeSpan.FromMilliseconds(150));

    public static NetworkProfile Parse(string name) => name switch
    {
        "none" => None,
        "gprs" => Gprs,
        "edge" => Edge,
        "congested-4g" => Congested4G,
        _ => throw new ArgumentException($"unknown network profile '{name}' (none, gprs, edge, congested-4g)", nameof(name)),
    };
}
