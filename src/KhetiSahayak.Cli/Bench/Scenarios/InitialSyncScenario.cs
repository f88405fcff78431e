using System.Buffers;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using KhetiSahayak.Cli.Bench.Measurement;
using KhetiSahayak.Cli.Bench.Reports;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace KhetiSahayak.Cli.Bench.Scenarios;

/// <summary>
/// <c>kheti bench initial-sync --rows N</c>: a fresh device pulls N advisory translations over HTTP from the real
/// server; then, in the same run, the same rows go into an empty SQLite file as fast as SQLite takes them, and their
/// bare values through brotli, so the sync's speed and bytes can be read against those limits.
/// </summary>
internal static class InitialSyncScenario
{
    public const string Name = "initial-sync";

    public static async Task<InitialSyncReport> RunAsync(BenchSettings settings, int rows, bool breakdown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        await using var env = await BenchEnvironment.StartAsync(settings, cancellationToken);
        var data = env.Data;
        var table = data.Translation;
        var farmerId = data.FarmerId(0);
        var warmUpFarmerId = data.FarmerId(1);

        settings.Status?.Report($"seeding {rows:N0} advisory rows through the server store");
        await env.SeedAsync(data.Farmer(farmerId, BenchData.District, plots: 0).Concat(data.Farmer(warmUpFarmerId, BenchData.WarmUpDistrict, plots: 0)), cancellationToken);
        var seedTime = await env.SeedAsync(table, data.Translations(rows, BenchData.District, stream: 1), cancellationToken);
        await env.SeedAsync(table, data.Translations(2_000, BenchData.WarmUpDistrict, stream: 2), cancellationToken);

        var settled = await env.SettleAsync(cancellationToken);
        settings.Status?.Report("warming up (another farmer's first sync)");
        await using (var warmUp = await env.NewDeviceAsync(BenchEnvironment.Farmer(warmUpFarmerId), cancellationToken))
        {
            await warmUp.SyncAsync(cancellationToken);
        }

        settings.Status?.Report($"syncing {rows:N0} rows to a fresh device");
        await using var device = await env.NewDeviceAsync(BenchEnvironment.Farmer(farmerId), cancellationToken);
        var memory = MemorySampler.Start();
        var cpuBefore = ProcessCpu();
        var started = Stopwatch.GetTimestamp();
        var sync = await device.SyncAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = ProcessCpu() - cpuBefore;
        var memoryFigures = await memory.StopAsync();
        await memory.DisposeAsync();
        var transportTime = device.Transport.Elapsed;
        var stats = device.Stats;
        var onDevice = await device.CountAsync(table.Name, cancellationToken);

        settings.Status?.Report("raw limit: the same rows into an empty SQLite file");
        var raw = await RawBaselines.BestSqliteInsertAsync(env.WorkDirectory, table, () => data.Translations(rows, BenchData.District, stream: 1), attempts: 3, cancellationToken);
        settings.Status?.Report("raw limit: the same rows' values through brotli");
        var bare = RawBaselines.BareBrotli(table, data.Translations(rows, BenchData.District, stream: 1));

        InitialSyncBreakdown? parts = null;
        if (breakdown)
        {
            settings.Status?.Report("breakdown: engine alone, then HTTP alone");
            parts = await BreakdownAsync(env, farmerId, elapsed, transportTime, stats.BytesSent + stats.BytesReceived, bare.BrotliBytes, cancellationToken);
            // The SDK applies pages from their JSON (DeviceStore reads and binds the values itself), so parsing and
            // decoding are inside the device's apply; the client's separate parse and decode are the decoded PullAsync's.
            var deviceSide = parts.DeviceApplySeconds + parts.ClientDecompressSeconds;
            var deviceRate = onDevice / Math.Max(deviceSide, 1e-9);
            parts = parts with
            {
                DeviceSideSeconds = Math.Round(deviceSide, 3),
                DeviceSideRowsPerSecond = Math.Round(deviceRate, 1),
                DeviceSideRatio = Math.Round(deviceRate / raw.RowsPerSecond, 3),
            };
        }

        var seconds = elapsed.TotalSeconds;
        var rate = onDevice / seconds;
        var wire = stats.BytesSent + stats.BytesReceived;
        var insertRatio = rate / raw.RowsPerSecond;
        var wireRatio = (double)wire / bare.BrotliBytes;
        return new InitialSyncReport
        {
            Scenario = Name,
            Store = settings.Store.ToString().ToLowerInvariant(),
            Seed = settings.Seed,
            AfterSeeding = settled,
            Rows = onDevice,
            RowsPulled = sync.RowsUpserted,
            Pages = sync.Pages,
            Seconds = Math.Round(seconds, 3),
            RowsPerSecond = Math.Round(rate, 1),
            CpuSeconds = Math.Round(cpu.TotalSeconds, 3),
            Requests = stats.Requests,
            Retries = stats.Retries,
            WireBytesUp = stats.BytesSent,
            WireBytesDown = stats.BytesReceived,
            WireBytes = wire,
            BytesPerRow = Math.Round((double)wire / Math.Max(1, onDevice), 1),
            Memory = memoryFigures,
            RawInsert = raw,
            BareBrotli = bare,
            InsertRateRatio = Math.Round(insertRatio, 3),
            WireRatio = Math.Round(wireRatio, 3),
            WireRatioAtQuality4 = Math.Round((double)wire / bare.BrotliBytesAtQuality4, 3),
            SeedSeconds = Math.Round(seedTime.TotalSeconds, 3),
            Breakdown = parts,
            Checks =
            [
                new BenchCheck("sync rows/s ÷ raw SQLite insert rows/s", Math.Round(insertRatio, 3), "≥ 0.50", insertRatio >= 0.5),
                new BenchCheck("wire bytes ÷ brotli of bare values", Math.Round(wireRatio, 3), "≤ 1.15", wireRatio <= 1.15),
            ],
            Notes =
            [
                "The server runs in this process (real Program.cs, Kestrel on 127.0.0.1); the device syncs over loopback HTTP with the SDK's HttpSyncTransport.",
                "Wire bytes are counted at the device's socket: request and response headers and bodies as compressed on the wire.",
                "Memory covers the device and the in-process server together: the heap figure is the sampled managed-heap high-water mark above a post-GC baseline; peak RSS is named by its source.",
                "A warm-up sync of another farmer (2,000 rows) runs first, so JIT and connection pools are warm.",
                "Raw insert times only the INSERTs and the commit (rows generated outside the timed part), best of three runs.",
                "The server compresses at brotli quality 3 (Sync:BrotliQuality); bare_brotli is at the same quality, and wire_ratio_at_quality4 compares the wire with bare values at quality 4 (.NET's CompressionLevel.Optimal, the server's setting until November 2026).",
            ],
        };
    }

    private static async Task<InitialSyncBreakdown> BreakdownAsync(BenchEnvironment env, Guid farmerId, TimeSpan syncTime, TimeSpan transportTime, long wireBytes, long bareWholeStream, CancellationToken cancellationToken)
    {
        // The engine alone: every page as the HTTP handler would get it, without HTTP. The engine here is built like the
        // server's, over the server's store wrapped in a timer; the page JSON and its compression are replayed after.
        var store = new TimedServerStore(env.Store);
        var engine = new SyncEngine(
            store,
            env.Scopes,
            new CursorProtector(RandomNumberGenerator.GetBytes(32)),
            new ScopeParameterResolver(store, env.Scopes.Catalog),
            TimeProvider.System,
            env.Server.Services.GetRequiredService<SyncEngineOptions>());
        var principal = BenchEnvironment.Farmer(farmerId);
        TimeSpan engineTime = TimeSpan.Zero, jsonWrite = TimeSpan.Zero, compress = TimeSpan.Zero, apply = TimeSpan.Zero;
        string? cursor = null;
        bool more;

        // The device's own work, timed apart: the same pages applied to a fresh replica from their JSON (reading and
        // binding the values, SQLite writes, cursor commits). In the measured sync it runs
        // while the next page is on its way, so the sync's time no longer splits into transport + apply.
        var replicaPath = Path.Combine(env.WorkDirectory, "breakdown-device.db");
        var replica = await KhetiSahayak.Sync.Sqlite.Device.DeviceStore.OpenAsync(replicaPath, env.FarmerScope, cancellationToken);
        do
        {
            // The page's text kept as UTF-8 until its JSON is written, as the HTTP handler does.
            using var text = new Utf8TextBuffer();
            var e0 = Stopwatch.GetTimestamp();
            var page = await engine.PullAsync(principal, env.FarmerScope.Name, env.FarmerScope.Version, cursor, text, cancellationToken);
            engineTime += Stopwatch.GetElapsedTime(e0);
            cursor = page.Cursor;
            more = page.HasMore;

            var w0 = Stopwatch.GetTimestamp();
            var json = PageJson(env, page);
            jsonWrite += Stopwatch.GetElapsedTime(w0);

            // Applied from the page's JSON, as DeviceSynchronizer does over HTTP.
            var a0 = Stopwatch.GetTimestamp();
            using (var encoded = new KhetiSahayak.Sync.Sqlite.Device.EncodedPullPage(json.WrittenMemory, page.Cursor, page.HasMore))
            {
                await replica.ApplyPullPageAsync(encoded, cancellationToken);
            }

            apply += Stopwatch.GetElapsedTime(a0);
            var c0 = Stopwatch.GetTimestamp();
            RawBaselines.BrotliSize(json.WrittenSpan);
            compress += Stopwatch.GetElapsedTime(c0);
        }
        while (more);

        await replica.DisposeAsync();
        foreach (var file in new[] { replicaPath, replicaPath + "-wal", replicaPath + "-shm" })
        {
            File.Delete(file);
        }

        // HTTP alone: the same pages fetched as compressed bytes; decompression and parsing timed apart.
        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = env.Server.Address };
        var httpPrincipal = BenchEnvironment.Farmer(farmerId);
        var token = env.Server.FarmerToken(farmerId, httpPrincipal.DeviceId);
        TimeSpan fetch = TimeSpan.Zero, decompress = TimeSpan.Zero, parse = TimeSpan.Zero, decode = TimeSpan.Zero;
        long responseBytes = 0, pageJson = 0, pageJsonOneShot = 0, barePerPage = 0, pulledRows = 0;
        var pages = 0;
        cursor = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"sync/v1/{env.FarmerScope.Name}/pull") { Content = new ByteArrayContent(PullBody(env.FarmerScope.Version, cursor)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
            var t0 = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            fetch += Stopwatch.GetElapsedTime(t0);
            responseBytes += body.Length;

            var t1 = Stopwatch.GetTimestamp();
            byte[] json;
            if (response.Content.Headers.ContentEncoding.Contains("br"))
            {
                using var output = new MemoryStream();
                using (var brotli = new BrotliStream(new MemoryStream(body), CompressionMode.Decompress))
                {
                    await brotli.CopyToAsync(output, cancellationToken);
                }

                json = output.ToArray();
            }
            else
            {
                json = body;
            }

            decompress += Stopwatch.GetElapsedTime(t1);
            pageJson += json.Length;
            pageJsonOneShot += RawBaselines.BrotliSize(json);

            var t2 = Stopwatch.GetTimestamp();
            using var doc = JsonDocument.Parse(json);
            parse += Stopwatch.GetElapsedTime(t2);
            cursor = doc.RootElement.GetProperty("cursor").GetString();
            more = doc.RootElement.GetProperty("hasMore").GetBoolean();

            // Decoding every value with its column type, as the SDK's reader does.
            var t3 = Stopwatch.GetTimestamp();
            foreach (var changes in doc.RootElement.GetProperty("changes").EnumerateArray())
            {
                if (!env.FarmerScope.TryGetTable(changes.GetProperty("table").GetString()!, out var st))
                {
                    continue;
                }

                var columns = changes.GetProperty("columns").EnumerateArray().Select(c => st.Table.Columns[st.Table.Ordinal(c.GetString()!)]).ToArray();
                foreach (var row in changes.GetProperty("rows").EnumerateArray())
                {
                    var i = -1;
                    foreach (var value in row.EnumerateArray())
                    {
                        if (i >= 0)
                        {
                            ValueCodec.TryFromJson(columns[i], value, out _);
                        }

                        i++;
                    }
                }
            }

            decode += Stopwatch.GetElapsedTime(t3);

            // This page's rows as bare values (version dropped), compressed on their own.
            var bare = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(bare, RawBaselines.WriterOptions))
            {
                writer.WriteStartArray();
                foreach (var changes in doc.RootElement.GetProperty("changes").EnumerateArray())
                {
                    foreach (var row in changes.GetProperty("rows").EnumerateArray())
                    {
                        writer.WriteStartArray();
                        var first = true;
                        foreach (var value in row.EnumerateArray())
                        {
                            if (!first)
                            {
                                value.WriteTo(writer);
                            }

                            first = false;
                        }

                        writer.WriteEndArray();
                        pulledRows++;
                    }
                }

                writer.WriteEndArray();
            }

            barePerPage += RawBaselines.BrotliSize(bare.WrittenSpan);
            pages++;
        }
        while (more);

        return new InitialSyncBreakdown(
            Math.Round(transportTime.TotalSeconds, 3),
            Math.Round((syncTime - transportTime).TotalSeconds, 3),
            Math.Round(apply.TotalSeconds, 3),
            Math.Round(engineTime.TotalSeconds, 3),
            Math.Round(store.ReadTime.TotalSeconds, 3),
            Math.Round(jsonWrite.TotalSeconds, 3),
            Math.Round(compress.TotalSeconds, 3),
            Math.Round(fetch.TotalSeconds, 3),
            Math.Round(decompress.TotalSeconds, 3),
            Math.Round(parse.TotalSeconds, 3),
            Math.Round(decode.TotalSeconds, 3),
            bareWholeStream,
            barePerPage,
            pageJson,
            pageJsonOneShot,
            responseBytes,
            wireBytes - responseBytes,
            Math.Round((double)pulledRows / Math.Max(1, pages), 1));
    }

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>A pull page as the server writes it (the shared <see cref="PullPageJson"/>).</summary>
    private static ArrayBufferWriter<byte> PageJson(BenchEnvironment env, PullResponse page)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, RawBaselines.WriterOptions);
        writer.WriteStartObject();
        foreach (var _ in PullPageJson.WriteProperties(writer, env.FarmerScope, page))
        {
            // Written to memory: nothing to flush between rows.
        }
        writer.WriteEndObject();
        writer.Flush();
        return buffer;
    }

    private static byte[] PullBody(int scopeVersion, string? cursor)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("protocol", 1);
            writer.WriteNumber("scopeVersion", scopeVersion);
            if (cursor is not null)
            {
                writer.WriteString("cursor", cursor);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
