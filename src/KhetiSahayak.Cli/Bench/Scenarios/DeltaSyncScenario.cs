using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using KhetiSahayak.Cli.Bench.Measurement;
using KhetiSahayak.Cli.Bench.Reports;

namespace KhetiSahayak.Cli.Bench.Scenarios;

/// <summary>
/// <c>kheti bench delta-sync --devices N --concurrency C --changes K</c>: N farmers' devices, each already synced,
/// edit K of their plots; the server publishes a few advisories; then all N sync, C at a time. Each sync is one
/// request (push and first pull page together).
/// </summary>
internal static class DeltaSyncScenario
{
    public const string Name = "delta-sync";

    public static async Task<DeltaSyncReport> RunAsync(BenchSettings settings, int devices, int concurrency, int changes, int pullRows, int? clientMaxAttempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(devices, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(changes);
        ArgumentOutOfRangeException.ThrowIfNegative(pullRows);
        var setup = Stopwatch.StartNew();
        await using var env = await BenchEnvironment.StartAsync(settings, cancellationToken);
        var data = env.Data;

        settings.Status?.Report($"seeding {devices:N0} farmers with {Math.Max(changes, 1)} plots each");
        var farmers = Enumerable.Range(0, devices).Select(data.FarmerId).ToArray();
        await env.SeedAsync(farmers.SelectMany(f => data.Farmer(f, BenchData.District, plots: Math.Max(changes, 1))), 2_000, cancellationToken);
        await env.SeedAsync(data.Translation, data.Translations(20, BenchData.District, stream: 1), cancellationToken);

        var settled = await env.SettleAsync(cancellationToken);
        settings.Status?.Report($"opening {devices:N0} devices and syncing each once");
        var list = new BenchDevice[devices];
        try
        {
            for (var i = 0; i < devices; i++)
            {
                list[i] = await env.NewDeviceAsync(BenchEnvironment.Farmer(farmers[i]), null, clientMaxAttempts, cancellationToken);
            }

            var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(list, options, async (d, ct) => await SyncUntilDoneAsync(d, ct));

            settings.Status?.Report($"publishing {pullRows} advisories and editing {changes} plots on every device");
            await env.SeedAsync(data.Translation, data.Translations(pullRows, BenchData.District, stream: 3), cancellationToken);
            foreach (var d in list)
            {
                await d.ExecAsync(
                    "UPDATE farm_plot SET local_name = 'बदल ' || @n, soil_type = 'red' WHERE plot_id IN (SELECT plot_id FROM farm_plot ORDER BY plot_id LIMIT @k)",
                    cancellationToken,
                    ("@n", d.Principal.DeviceId.ToString("N")[..8]),
                    ("@k", changes));
            }

            setup.Stop();
            settings.Status?.Report($"measuring: {devices:N0} delta syncs, {concurrency} at a time");
            using var meter = new ServerRequestMeter(env.Server.Services);
            using var db = settings.Store == BenchStore.Postgres ? new DbCommandMeter() : null;
            var before = list.Select(d => d.Stats).ToArray();
            var latencies = new ConcurrentBag<double>();
            var samples = new ConcurrentQueue<string>();
            var errors = 0;
            var pulled = 0L;
            var cpu = CpuMeter.Start();
            var wall = Stopwatch.StartNew();
            await Parallel.ForEachAsync(list, options, async (d, ct) =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var report = await d.SyncAsync(ct);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Add(ref pulled, report.RowsUpserted);
                    if (report.Applied != changes || report.RowsUpserted < pullRows)
                    {
                        Interlocked.Increment(ref errors);
                        Sample(samples, string.Create(CultureInfo.InvariantCulture, $"applied {report.Applied} of {changes}, pulled {report.RowsUpserted} rows (conflicts {report.Conflicts}, rejected {report.Rejected})"));
                    }
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Increment(ref errors);
                    Sample(samples, ex.GetType().Name + ": " + ex.Message);
                }
            });
            wall.Stop();
            var (processCpu, postgresCpu, _) = cpu.Stop();
            postgresCpu = settings.Store == BenchStore.Postgres ? postgresCpu : null;
            var requests = meter.Requests;
            var after = list.Select(d => d.Stats).ToArray();
            var clientRequests = after.Zip(before, (a, b) => a.Requests - b.Requests).Sum();
            var clientRetries = after.Zip(before, (a, b) => a.Retries - b.Retries).Sum();
            var bytes = after.Zip(before, (a, b) => a.BytesSent + a.BytesReceived - b.BytesSent - b.BytesReceived).Sum();
            var syncLatency = LatencySummary.Of(latencies);
            var accepted = LatencySummary.Of(requests.Where(r => r.Status is >= 200 and < 300).Select(r => r.Milliseconds));
            var status429 = requests.Count(r => r.Status == 429);
            return new DeltaSyncReport
            {
                Scenario = Name,
                Store = settings.Store.ToString().ToLowerInvariant(),
                Seed = settings.Seed,
                AfterSeeding = settled,
                Devices = devices,
                Concurrency = concurrency,
                ChangesPerDevice = changes,
                ClientMaxAttempts = clientMaxAttempts ?? new KhetiSahayak.Sync.Client.HttpSyncTransportOptions { BaseAddress = env.Server.Address, AccessToken = _ => ValueTask.FromResult(string.Empty) }.MaxAttempts,
                RowsPulledPerDevice = pullRows,
                Syncs = devices,
                Errors = errors,
                ErrorSamples = [.. samples],
                Status429 = status429,
                ClientRetries = clientRetries,
                Seconds = Math.Round(wall.Elapsed.TotalSeconds, 3),
                SyncsPerSecond = Math.Round(devices / wall.Elapsed.TotalSeconds, 1),
                SyncLatencyMs = syncLatency,
                ServerAcceptedLatencyMs = accepted,
                RequestsPerSync = Math.Round((double)clientRequests / devices, 2),
                BytesPerSync = Math.Round((double)bytes / devices, 1),
                ProcessCpuPercent = Math.Round(processCpu, 1),
                PostgresCpuPercent = postgresCpu is null ? null : Math.Round(postgresCpu.Value, 1),
                DbCommandsPerSync = db is null ? null : Math.Round((double)db.Commands / devices, 1),
                DbCommandMsPerSync = db is null ? null : Math.Round(db.CommandTime.TotalMilliseconds / devices, 2),
                SetupSeconds = Math.Round(setup.Elapsed.TotalSeconds, 3),
                Checks =
                [
                    new BenchCheck("sync p95 latency (ms, device-observed, incl. back-off after 429)", syncLatency.P95, "< 200", syncLatency.P95 < 200),
                    new BenchCheck("accepted request p95 latency (ms, server-timed)", accepted.P95, "< 200", accepted.P95 < 200),
                    new BenchCheck("failed syncs", errors, "= 0", errors == 0),
                ],
                Notes =
                [
                    "Each measured sync is one request: the push of K plot edits and the first pull page together (POST /sync/v1/farmer).",
                    "The pull after a push brings the device's own K edited rows back too (the server cannot tell them from others' changes), plus the published advisories: " + string.Create(CultureInfo.InvariantCulture, $"{pulled / Math.Max(1, devices)} rows per sync on average."),
                    "429s are the server's admission limit (Sync:MaxConcurrentSyncs) answering at once with Retry-After; devices retry them, so they are counted apart and not as errors.",
                    "Process CPU includes the simulated devices (their SQLite work and HTTP client) as well as the server; PostgreSQL CPU sums every process named postgres.",
                    "Server logging is off in the bench (levels None), so the per-request log line's cost is not measured.",
                ],
            };
        }
        finally
        {
            foreach (var d in list)
            {
                if (d is not null)
                {
                    await d.DisposeAsync();
                }
            }
        }
    }

    /// <summary>Setup syncs must all land; a device the server keeps refusing (429) tries again a little later.</summary>
    private static async Task SyncUntilDoneAsync(BenchDevice device, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await device.SyncAsync(cancellationToken);
                return;
            }
            catch (HttpRequestException) when (attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
            }
        }
    }

    private static void Sample(ConcurrentQueue<string> samples, string message)
    {
        if (samples.Count < 5)
        {
            samples.Enqueue(message);
        }
    }
}
