using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using KhetiSahayak.Cli.Bench.Reports;
using KhetiSahayak.Cli.Simulation;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Sqlite.Device;

namespace KhetiSahayak.Cli.Bench.Scenarios;

/// <summary>
/// <c>kheti bench first-install --profile gprs</c>: the data of the network scenario (a farmer's own records and a
/// season of district advisories in two languages), installed twice through the same shaped link: by a plain first
/// sync, and from the district snapshot in the farmer's preferred language followed by a sync. Both devices are
/// compared table by table.
/// </summary>
internal static class FirstInstallScenario
{
    public const string Name = "first-install";

    private static readonly string[] Languages = [BenchData.PreferredLanguage, BenchData.SecondLanguage];

    public static async Task<FirstInstallReport> RunAsync(BenchSettings settings, NetworkProfile profile, int advisories, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentOutOfRangeException.ThrowIfNegative(advisories);
        await using var env = await BenchEnvironment.StartAsync(settings, cancellationToken);
        var data = env.Data;
        var farmerId = data.FarmerId(0);

        settings.Status?.Report($"seeding the farmer's records and {advisories} advisories × {Languages.Length} languages");
        await env.SeedAsync(data.Farmer(farmerId, BenchData.District, plots: 2, activities: 12, ledgerEntries: 6), cancellationToken);
        await env.SeedAsync(data.Season(advisories, BenchData.District, Languages, stream: 1), cancellationToken);
        await env.SeedAsync(data.Season(Math.Min(advisories, 50), BenchData.WarmUpDistrict, Languages, stream: 2), cancellationToken);
        var settled = await env.SettleAsync(cancellationToken);

        settings.Status?.Report("building the snapshot (unshaped)");
        var builder = BenchEnvironment.Farmer(farmerId);
        var path = SnapshotDownloader.RelativeUri(env.FarmerScope.Name, env.FarmerScope.Version, BenchData.District, BenchData.PreferredLanguage);
        var built = Stopwatch.GetTimestamp();
        using (var client = new HttpClient { BaseAddress = env.Server.Address })
        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", env.Server.FarmerToken(farmerId, builder.DeviceId));
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        var buildSeconds = Stopwatch.GetElapsedTime(built).TotalSeconds;
        await using var proxy = await FaultProxy.StartAsync(env.Server.Address, 0, profile, settings.Seed, cancellationToken);

        settings.Status?.Report($"plain first sync through a {profile.Name} link");
        await using var plain = await env.NewDeviceAsync(BenchEnvironment.Farmer(farmerId), proxy.Address, null, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var plainSync = await plain.SyncAsync(cancellationToken);
        var plainSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        settings.Status?.Report($"snapshot, then sync, through a {profile.Name} link");
        await using var installed = await env.NewDeviceAsync(BenchEnvironment.Farmer(farmerId), proxy.Address, null, cancellationToken);
        long down = 0;
        long up = 0;
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new ByteCountingStream(new NetworkStream(socket, ownsSocket: true), n => Interlocked.Add(ref down, n), n => Interlocked.Add(ref up, n));
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var token = env.Server.FarmerToken(farmerId, installed.Principal.DeviceId);
        using var downloader = new SnapshotDownloader(new HttpSyncTransportOptions { BaseAddress = proxy.Address, AccessToken = _ => ValueTask.FromResult(token) }, handler);
        started = Stopwatch.GetTimestamp();
        var install = await new SnapshotInstaller(installed.Store, downloader).InstallAsync(BenchData.District, BenchData.PreferredLanguage, Path.Combine(env.WorkDirectory, "snapshot-download"), cancellationToken);
        var afterSync = await installed.SyncAsync(cancellationToken);
        var snapshotSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (!install.Installed)
        {
            throw new InvalidOperationException("the fresh device did not take the snapshot");
        }

        var identical = await IdenticalAsync(plain.Store, installed.Store, cancellationToken);
        var plainPath = new FirstInstallPath(plain.Stats.BytesSent + plain.Stats.BytesReceived, plain.Stats.Requests, plainSync.RowsUpserted + plainSync.RowsDeleted, Math.Round(plainSeconds, 2));
        var snapshotPath = new FirstInstallPath(Interlocked.Read(ref down) + Interlocked.Read(ref up) + installed.Stats.BytesSent + installed.Stats.BytesReceived,
            installed.Stats.Requests + 1, afterSync.RowsUpserted + afterSync.RowsDeleted, Math.Round(snapshotSeconds, 2));
        return new FirstInstallReport
        {
            Scenario = Name,
            Store = settings.Store.ToString().ToLowerInvariant(),
            Seed = settings.Seed,
            AfterSeeding = settled,
            Profile = profile.Name,
            Advisories = advisories,
            Languages = Languages,
            Snapshot = string.Create(CultureInfo.InvariantCulture, $"{BenchData.District}/{BenchData.PreferredLanguage}"),
            SnapshotFileBytes = install.SnapshotBytes,
            SnapshotRows = install.Rows,
            SnapshotBuildSeconds = Math.Round(buildSeconds, 2),
            Plain = plainPath,
            ViaSnapshot = snapshotPath,
            Identical = identical,
            Checks =
            [
                new BenchCheck("snapshot + sync equals a full sync", identical ? 1 : 0, "1", identical),
                new BenchCheck("first install via snapshot on the wire (bytes)", snapshotPath.WireBytes, "≤ 1,000,000", snapshotPath.WireBytes <= NetworkScenario.ByteBudget),
                new BenchCheck("seconds until usable via snapshot", snapshotPath.SecondsUntilUsable, "≤ 240", snapshotPath.SecondsUntilUsable <= NetworkScenario.TimeBudget.TotalSeconds),
            ],
            Notes =
            [
                string.Create(CultureInfo.InvariantCulture, $"The link is the simulator's FaultProxy with fault rate 0: {profile.DownKbps}/{profile.UpKbps} kbps, {profile.RoundTrip.TotalMilliseconds:0} ms round trip; it shapes bodies, not headers."),
                "The snapshot is in the preferred language only; the second language's translations, the farmer's own records and the other crops' deletes come with the sync after it.",
                "Via snapshot: the download (one GET) plus the sync after it, bytes counted at the device's sockets for both.",
                "Snapshot build: the node's first request for that district and language; later devices get the cached file until it is older than Snapshots:MaxAge.",
            ],
        };
    }

    private static async Task<bool> IdenticalAsync(DeviceStore a, DeviceStore b, CancellationToken cancellationToken)
    {
        foreach (var table in a.Scope.Tables)
        {
            var left = await a.ReadAllAsync(table.Name, cancellationToken);
            var right = await b.ReadAllAsync(table.Name, cancellationToken);
            if (left.Count != right.Count || left.Zip(right).Any(p => !p.First.SequenceEqual(p.Second)))
            {
                return false;
            }
        }

        return true;
    }
}
