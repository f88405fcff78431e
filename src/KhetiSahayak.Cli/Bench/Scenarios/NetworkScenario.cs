using System.Diagnostics;
using System.Globalization;
using KhetiSahayak.Cli.Bench.Reports;
using KhetiSahayak.Cli.Simulation;

namespace KhetiSahayak.Cli.Bench.Scenarios;

/// <summary>
/// <c>kheti bench network --profile gprs|edge|congested-4g</c>: a farmer's first sync (their own records and a
/// season of their district's advisories in two languages) through the simulator's link-shaping proxy, with no faults.
/// </summary>
internal static class NetworkScenario
{
    public const string Name = "network";

    /// <summary>The farmer's first-sync budget on the wire (1 MB, decimal).</summary>
    public const long ByteBudget = 1_000_000;

    public static readonly TimeSpan TimeBudget = TimeSpan.FromMinutes(4);

    private static readonly string[] Languages = [BenchData.PreferredLanguage, BenchData.SecondLanguage];

    public static async Task<NetworkReport> RunAsync(BenchSettings settings, NetworkProfile profile, int advisories, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentOutOfRangeException.ThrowIfNegative(advisories);
        await using var env = await BenchEnvironment.StartAsync(settings, cancellationToken);
        var data = env.Data;
        var farmerId = data.FarmerId(0);
        var warmUpFarmerId = data.FarmerId(1);

        settings.Status?.Report($"seeding the farmer's records and {advisories} advisories × {Languages.Length} languages");
        var own = data.Farmer(farmerId, BenchData.District, plots: 2, activities: 12, ledgerEntries: 6).ToList();
        await env.SeedAsync(own, cancellationToken);
        await env.SeedAsync(data.Season(advisories, BenchData.District, Languages, stream: 1), cancellationToken);
        await env.SeedAsync(data.Farmer(warmUpFarmerId, BenchData.WarmUpDistrict, plots: 2, activities: 12, ledgerEntries: 6), cancellationToken);
        await env.SeedAsync(data.Season(Math.Min(advisories, 50), BenchData.WarmUpDistrict, Languages, stream: 2), cancellationToken);

        var settled = await env.SettleAsync(cancellationToken);
        settings.Status?.Report("warming up (another farmer, unshaped)");
        await using (var warmUp = await env.NewDeviceAsync(BenchEnvironment.Farmer(warmUpFarmerId), cancellationToken))
        {
            await warmUp.SyncAsync(cancellationToken);
        }

        settings.Status?.Report($"first sync through a {profile.Name} link");
        await using var proxy = await FaultProxy.StartAsync(env.Server.Address, 0, profile, settings.Seed, cancellationToken);
        await using var device = await env.NewDeviceAsync(BenchEnvironment.Farmer(farmerId), proxy.Address, null, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var sync = await device.SyncAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var stats = device.Stats;
        var wire = stats.BytesSent + stats.BytesReceived;
        var model = LinkSeconds(profile, stats.Requests, stats.BytesSent, stats.BytesReceived);
        return new NetworkReport
        {
            Scenario = Name,
            Store = settings.Store.ToString().ToLowerInvariant(),
            Seed = settings.Seed,
            AfterSeeding = settled,
            Profile = profile.Name,
            DownKbps = profile.DownKbps,
            UpKbps = profile.UpKbps,
            RoundTripMs = profile.RoundTrip.TotalMilliseconds,
            Advisories = advisories,
            Languages = Languages,
            OwnRows = own.Count,
            RowsPulled = sync.RowsUpserted,
            SecondsUntilUsable = Math.Round(elapsed.TotalSeconds, 2),
            WireBytesUp = stats.BytesSent,
            WireBytesDown = stats.BytesReceived,
            WireBytes = wire,
            Requests = stats.Requests,
            Pages = sync.Pages,
            LinkModelSeconds = Math.Round(model, 2),
            Checks =
            [
                new BenchCheck("first sync on the wire (bytes)", wire, "≤ 1,000,000", wire <= ByteBudget),
                new BenchCheck("seconds until usable", Math.Round(elapsed.TotalSeconds, 2), "≤ 240", elapsed <= TimeBudget),
            ],
            Notes =
            [
                string.Create(CultureInfo.InvariantCulture, $"The link is the simulator's FaultProxy with fault rate 0: {profile.DownKbps}/{profile.UpKbps} kbps, {profile.RoundTrip.TotalMilliseconds:0} ms round trip; it shapes bodies, not headers."),
                "Rows: the advisory rows and their translations (hi-IN Devanagari and en-IN), plus the farmer's profile, plots, crop cycle, activities and ledger.",
                "Link model: requests × round trip + wire bytes (headers included) at the profile's rates; what a real link of that profile would cost.",
                "Time until usable is the device's whole first sync, ending when the last page is committed on the device.",
            ],
        };
    }

    private static double LinkSeconds(NetworkProfile profile, long requests, long up, long down)
    {
        var seconds = requests * profile.RoundTrip.TotalSeconds;
        if (profile.UpKbps > 0)
        {
            seconds += up * 8.0 / (profile.UpKbps * 1000.0);
        }

        if (profile.DownKbps > 0)
        {
            seconds += down * 8.0 / (profile.DownKbps * 1000.0);
        }

        return seconds;
    }
}
