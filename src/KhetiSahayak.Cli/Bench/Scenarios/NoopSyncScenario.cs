using System.Diagnostics;
using KhetiSahayak.Cli.Bench.Measurement;
using KhetiSahayak.Cli.Bench.Reports;

namespace KhetiSahayak.Cli.Bench.Scenarios;

/// <summary>
/// <c>kheti bench noop-sync</c>: a device that is up to date syncs again, several times; what a sync with nothing to
/// do costs in requests, bytes and time.
/// </summary>
internal static class NoopSyncScenario
{
    public const string Name = "noop-sync";

    public static async Task<NoopSyncReport> RunAsync(BenchSettings settings, int repeats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        await using var env = await BenchEnvironment.StartAsync(settings, cancellationToken);
        var data = env.Data;
        var farmerId = data.FarmerId(0);
        settings.Status?.Report("seeding a farmer and a few advisories");
        await env.SeedAsync(data.Farmer(farmerId, BenchData.District, plots: 3, activities: 5, ledgerEntries: 3), cancellationToken);
        await env.SeedAsync(data.Translation, data.Translations(40, BenchData.District, stream: 1), cancellationToken);

        var settled = await env.SettleAsync(cancellationToken);
        settings.Status?.Report("first sync, then one untimed no-op sync");
        await using var device = await env.NewDeviceAsync(BenchEnvironment.Farmer(farmerId), cancellationToken);
        await device.SyncAsync(cancellationToken);
        await device.SyncAsync(cancellationToken);

        settings.Status?.Report($"measuring {repeats} no-op syncs");
        using var db = settings.Store == BenchStore.Postgres ? new DbCommandMeter() : null;
        var before = device.Stats;
        var latencies = new List<double>(repeats);
        var written = 0;
        for (var i = 0; i < repeats; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var report = await device.SyncAsync(cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            written += report.RowsUpserted + report.RowsDeleted;
        }

        var after = device.Stats;
        var requestsPerSync = (double)(after.Requests - before.Requests) / repeats;
        var bytesUp = (double)(after.BytesSent - before.BytesSent) / repeats;
        var bytesDown = (double)(after.BytesReceived - before.BytesReceived) / repeats;
        return new NoopSyncReport
        {
            Scenario = Name,
            Store = settings.Store.ToString().ToLowerInvariant(),
            Seed = settings.Seed,
            AfterSeeding = settled,
            Repeats = repeats,
            RequestsPerSync = Math.Round(requestsPerSync, 2),
            BytesUpPerSync = Math.Round(bytesUp, 1),
            BytesDownPerSync = Math.Round(bytesDown, 1),
            LatencyMs = LatencySummary.Of(latencies),
            RowsWritten = written,
            DbCommandsPerSync = db is null ? null : Math.Round((double)db.Commands / repeats, 1),
            Checks =
            [
                new BenchCheck("requests per no-op sync", requestsPerSync, "= 1", requestsPerSync <= 1),
                new BenchCheck("bytes per no-op sync (up + down)", Math.Round(bytesUp + bytesDown, 1), "≤ 50 KB (daily-sync budget)", bytesUp + bytesDown <= 50_000),
            ],
            Notes =
            [
                "The device has no local changes, so a sync is one pull with its stored cursor (POST /sync/v1/farmer/pull).",
                "Bytes are counted at the device's socket over a kept-alive connection: headers (including the bearer token) and bodies both ways.",
                "Latency is the whole device sync over loopback, including the device's SQLite cursor commit.",
            ],
        };
    }
}
