using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite.Device;
using Microsoft.Data.Sqlite;

namespace KhetiSahayak.Cli.Simulation;

/// <summary>
/// Runs simulated farmers' devices against a server through a <see cref="FaultProxy"/>: each device has its own
/// SQLite file, edits it with plain SQL and syncs now and then. Two devices share each farmer, so the same rows are
/// edited concurrently. At the end the link heals, every device syncs until quiet, and each device is compared with
/// the server's view of its farmer (fetched by a fresh witness device straight from the server).
/// </summary>
public sealed class Simulator(SimulationOptions options, ScopeSet scopes, Func<Guid, Guid, CancellationToken, Task<string>>? tokens = null)
{
    private static readonly long[] Districts = [481, 490, 532];

    private sealed class SimDevice
    {
        public required int Index { get; init; }

        public required Guid Farmer { get; init; }

        public required DeviceStore Store { get; init; }

        public required HttpSyncTransport Transport { get; init; }

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }

    public async Task<SimulationReport> RunAsync(IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var scope = scopes.Find("farmer", 1) ?? throw new InvalidOperationException("the farmer scope v1 is missing");
        Directory.CreateDirectory(options.WorkDirectory);
        await using var proxy = await FaultProxy.StartAsync(options.Server, options.FaultRate, options.Profile, options.Seed, cancellationToken);
        using var direct = new HttpClient { BaseAddress = options.Server };
        var farmerCount = Math.Max(1, (options.Devices + 1) / 2);
        var farmers = Enumerable.Range(0, farmerCount).Select(_ => Guid.CreateVersion7()).ToArray();
        var devices = new List<SimDevice>();
        for (var i = 0; i < options.Devices; i++)
        {
            var farmer = farmers[i % farmerCount];
            var token = await TokenAsync(direct, farmer, Guid.CreateVersion7(), cancellationToken);
            var store = await DeviceStore.OpenAsync(Path.Combine(options.WorkDirectory, $"device-{i:D4}.db"), scope, cancellationToken);
            var transport = new HttpSyncTransport(
                new HttpSyncTransportOptions
                {
                    BaseAddress = proxy.Address,
                    AccessToken = _ => ValueTask.FromResult(token),
                    CurrentCursor = store.GetCursorAsync,
                    BaseDelay = options.RetryBaseDelay,
                    MaxDelay = TimeSpan.FromSeconds(2),
                    MaxAttempts = 6,
                },
                scopes.Scopes);
            devices.Add(new SimDevice { Index = i, Farmer = farmer, Store = store, Transport = transport });
        }

        var inserted = new ConcurrentDictionary<Guid, Guid>();
        var deleted = new ConcurrentDictionary<Guid, bool>();
        int syncs = 0, failedSyncs = 0, conflicts = 0, done = 0;

        async Task SyncAsync(SimDevice d)
        {
            Interlocked.Increment(ref syncs);
            try
            {
                var report = await new DeviceSynchronizer(d.Store, d.Transport).SyncAsync(null, cancellationToken);
                Interlocked.Add(ref conflicts, report.Conflicts + report.Rejected);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or SyncProtocolException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref failedSyncs);
            }
        }

        // Each farmer's first device creates the profile.
        foreach (var d in devices.Take(farmerCount))
        {
            var district = Districts[d.Index % Districts.Length];
            await ExecAsync(d.Store, "INSERT INTO farmer_profile (farmer_id, full_name, preferred_lang, secondary_lang, lgd_state_code, lgd_district_code, lgd_block_code) VALUES (@f, @n, 'mr-IN', 'en-IN', 27, @d, @b)",
                cancellationToken, ("@f", d.Farmer.ToString()), ("@n", "शेतकरी " + d.Index.ToString(CultureInfo.InvariantCulture)), ("@d", district), ("@b", district * 10));
        }

        var workers = Math.Max(1, Math.Min(options.Concurrency, devices.Count));
        await Parallel.ForEachAsync(Enumerable.Range(0, workers), new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, async (w, ct) =>
        {
            var random = new Random(unchecked((options.Seed * 397) ^ w));
            var mine = devices.Where(d => d.Index % workers == w).ToList();
            var ops = (options.Operations / workers) + (w < options.Operations % workers ? 1 : 0);
            for (var op = 0; op < ops; op++)
            {
                var d = mine[random.Next(mine.Count)];
                await d.Gate.WaitAsync(ct);
                try
                {
                    await OperateAsync(d, random, inserted, deleted, SyncAsync, ct);
                }
                finally
                {
                    d.Gate.Release();
                }

                progress?.Report((Interlocked.Increment(ref done), options.Operations));
            }
        });

        // The link heals: everyone syncs until nothing moves.
        proxy.FaultRate = 0;
        proxy.Profile = NetworkProfile.None;
        for (var round = 0; round < 3; round++)
        {
            foreach (var d in devices)
            {
                await SyncAsync(d);
            }
        }

        var (lost, diverged) = await CompareAsync(direct, scope, devices, inserted, deleted, cancellationToken);
        var stats = devices.Select(d => d.Transport.Stats).ToList();
        foreach (var d in devices)
        {
            d.Transport.Dispose();
            await d.Store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        return new SimulationReport(options.Seed, devices.Count, farmerCount, options.Operations, syncs, failedSyncs,
            stats.Sum(s => s.Requests), stats.Sum(s => s.Retries), stats.Sum(s => s.BytesSent), stats.Sum(s => s.BytesReceived), conflicts,
            proxy.Counters.CutRequests, proxy.Counters.CutResponses, proxy.Counters.Duplicates, lost, diverged, clock.Elapsed.TotalSeconds);
    }

    private static async Task OperateAsync(SimDevice d, Random random, ConcurrentDictionary<Guid, Guid> inserted, ConcurrentDictionary<Guid, bool> deleted, Func<SimDevice, Task> sync, CancellationToken ct)
    {
        var roll = random.Next(100);
        if (roll < 22)
        {
            var id = Guid.CreateVersion7();
            var acres = Math.Round(random.NextDouble() * 5, 2);
            await ExecAsync(d.Store, "INSERT INTO farm_plot (plot_id, farmer_id, local_name, area_value, area_unit, area_ha) VALUES (@id, @f, @n, @a, 'acre', @h)", ct,
                ("@id", id.ToString()), ("@f", d.Farmer.ToString()), ("@n", "शेत " + random.Next(1000)), ("@a", acres), ("@h", Math.Round(acres / 2.471, 4)));
            inserted[id] = d.Farmer;
        }
        else if (roll < 30)
        {
            var plot = await ScalarAsync(d.Store, "SELECT plot_id FROM farm_plot ORDER BY plot_id LIMIT 1 OFFSET (@r % MAX(1, (SELECT COUNT(*) FROM farm_plot)))", ct, ("@r", random.Next(1_000_000)));
            if (plot is string p)
            {
                var id = Guid.CreateVersion7();
                await ExecAsync(d.Store, "INSERT INTO field_activity (activity_id, farmer_id, plot_id, activity_type, performed_on, cost_paise, notes) VALUES (@id, @f, @p, 'weeding', '2026-07-01', @c, 'निंदणी')", ct,
                    ("@id", id.ToString()), ("@f", d.Farmer.ToString()), ("@p", p), ("@c", random.Next(1, 500_000)));
                inserted[id] = d.Farmer;
            }
        }
        else if (roll < 52)
        {
            var column = new[] { "local_name", "soil_type", "area_value", "tenure" }[random.Next(4)];
            object value = column == "area_value" ? Math.Round(random.NextDouble() * 5, 2) : column + "-" + random.Next(1000).ToString(CultureInfo.InvariantCulture);
            await ExecAsync(d.Store, $"UPDATE farm_plot SET {column} = @v WHERE plot_id = (SELECT plot_id FROM farm_plot ORDER BY plot_id LIMIT 1 OFFSET (@r % MAX(1, (SELECT COUNT(*) FROM farm_plot))))", ct,
                ("@v", value), ("@r", random.Next(1_000_000)));
        }
        else if (roll < 58)
        {
            var plot = await ScalarAsync(d.Store, "SELECT plot_id FROM farm_plot ORDER BY plot_id LIMIT 1 OFFSET (@r % MAX(1, (SELECT COUNT(*) FROM farm_plot)))", ct, ("@r", random.Next(1_000_000)));
            if (plot is string p)
            {
                deleted[Guid.Parse(p)] = true;
                await ExecAsync(d.Store, "DELETE FROM farm_plot WHERE plot_id = @p", ct, ("@p", p));
            }
        }
        else if (roll < 60)
        {
            var district = Districts[random.Next(Districts.Length)];
            await ExecAsync(d.Store, "UPDATE farmer_profile SET lgd_district_code = @d, lgd_block_code = @b", ct, ("@d", district), ("@b", district * 10));
        }
        else
        {
            await sync(d);
        }
    }

    private async Task<(int Lost, int Diverged)> CompareAsync(HttpClient direct, ScopeDefinition scope, List<SimDevice> devices, ConcurrentDictionary<Guid, Guid> inserted, ConcurrentDictionary<Guid, bool> deleted, CancellationToken cancellationToken)
    {
        var lost = 0;
        var diverged = 0;
        foreach (var group in devices.GroupBy(d => d.Farmer))
        {
            var token = await TokenAsync(direct, group.Key, Guid.CreateVersion7(), cancellationToken);
            await using var witness = await DeviceStore.OpenAsync(Path.Combine(options.WorkDirectory, $"witness-{group.Key:N}.db"), scope, cancellationToken);
            using (var transport = new HttpSyncTransport(new HttpSyncTransportOptions { BaseAddress = options.Server, AccessToken = _ => ValueTask.FromResult(token) }, scopes.Scopes))
            {
                await new DeviceSynchronizer(witness, transport).SyncAsync(null, cancellationToken);
            }

            var serverKeys = new HashSet<Guid>();
            foreach (var table in scope.PulledTables)
            {
                var expected = (await witness.ReadAllAsync(table.Name, cancellationToken)).ToDictionary(r => r[table.Table.KeyOrdinal]!);
                foreach (var key in expected.Keys.OfType<Guid>())
                {
                    serverKeys.Add(key);
                }

                foreach (var d in group)
                {
                    var actual = (await d.Store.ReadAllAsync(table.Name, cancellationToken)).ToDictionary(r => r[table.Table.KeyOrdinal]!);
                    diverged += actual.Count(a => !expected.TryGetValue(a.Key, out var e) || !e.SequenceEqual(a.Value));
                    diverged += expected.Keys.Count(k => !actual.ContainsKey(k));
                }
            }

            foreach (var d in group)
            {
                lost += await d.Store.CountPendingAsync(cancellationToken);
            }

            // A row a device created must be on the server unless some device deleted it.
            lost += inserted.Count(i => i.Value == group.Key && !deleted.ContainsKey(i.Key) && !serverKeys.Contains(i.Key));
        }

        return (lost, diverged);
    }

    /// <summary>A farmer token for a device: from the caller's source, or the server's Development token endpoint.</summary>
    private async Task<string> TokenAsync(HttpClient direct, Guid farmer, Guid device, CancellationToken cancellationToken)
    {
        if (tokens is not null)
        {
            return await tokens(farmer, device, cancellationToken);
        }

        using var response = await direct.PostAsJsonAsync("dev/token", new { role = "farmer", farmerId = farmer, deviceId = device }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>(cancellationToken) ?? throw new InvalidOperationException("empty token response");
        return body.AccessToken;
    }

    private sealed record TokenBody(string AccessToken);

    private static async Task ExecAsync(DeviceStore store, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DeviceStore store, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return await cmd.ExecuteScalarAsync(cancellationToken);
    }
}
