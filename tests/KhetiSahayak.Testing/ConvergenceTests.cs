using System.Globalization;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Sync.Stores;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Testing;

/// <summary>
/// The randomized convergence run, the same on every store: many devices edit, delete and move while officers edit
/// on the server and links drop between pages; afterwards every device equals the server's view for its user and
/// every change is either in the data or in the ledger. Set KHETI_SEED to replay a run.
/// </summary>
public abstract class ConvergenceTests
{
    private static readonly long[] Districts = [481, 490, 532];

    protected abstract Task<IServerStore> CreateStoreAsync();

    protected virtual Task DestroyStoreAsync(IServerStore store) => Task.CompletedTask;

    [Test]
    public async Task RandomOperations_FiftyDevicesFiveThousandOps_EveryDeviceConverges()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("KHETI_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        TestContext.Out.WriteLine($"convergence seed: {seed} (replay with KHETI_SEED={seed})");
        var store = await CreateStoreAsync();
        try
        {
            await using var h = await SyncHarness.CreateAsync(store, new SyncEngineOptions { PageMaxRows = 7, PageMaxBytes = 4096 });
            await RunAsync(h, seed, devices: 50, operations: 5000);
        }
        catch (Exception ex) when (ex is not SuccessException)
        {
            Assert.Fail($"convergence failed with seed {seed} (replay with KHETI_SEED={seed}): {ex}");
        }
        finally
        {
            await DestroyStoreAsync(store);
        }
    }

    private sealed record SimDevice(Guid Farmer, SyncPrincipal Principal, DeviceStore Store, RecordingTransport Transport, DeviceSynchronizer Sync);

    private static async Task RunAsync(SyncHarness h, int seed, int devices, int operations)
    {
        var random = new Random(seed);
        // Keys and mutation ids come from the seed too (their own stream, so drawing one does not shift the choices):
        // key order decides page boundaries and which row an OFFSET picks, so a seed now replays the same run.
        var ids = new SeededIds(new Random(unchecked((seed * 31) + 7)));
        h.NewId = ids.Next;
        var farmers = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            var district = Districts[random.Next(Districts.Length)];
            farmers.Add(await h.SeedFarmerAsync(district, district * 10, random.Next(2) == 0 ? "mr-IN" : "hi-IN", "en-IN", random.Next(2) == 0 ? "SOYBEAN" : "WHEAT"));
        }

        var advisories = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            var id = ids.Next();
            advisories.Add(id);
            await h.ServerUpsertAsync("advisory_translation", Translation(id, Pick(random, ["mr-IN", "hi-IN", "en-IN"]), [Districts[random.Next(3)]], [Pick(random, ["SOYBEAN", "WHEAT", "ALL"])], advisoryId: ids.Next()));
        }

        var sims = new List<SimDevice>();
        for (var i = 0; i < devices; i++)
        {
            var farmer = farmers[i % farmers.Count];
            var principal = FarmerPrincipal(farmer, ids.Next());
            var store = await h.NewDeviceAsync();
            var transport = new RecordingTransport(new FlakyTransport(new LocalSyncTransport(h.Engine, principal), 0.15, random.Next()));
            sims.Add(new SimDevice(farmer, principal, store, transport, new DeviceSynchronizer(store, transport, pushBatchSize: 5)));
        }

        var plotTable = h.Catalog["farm_plot"];
        for (var op = 0; op < operations; op++)
        {
            var d = sims[random.Next(sims.Count)];
            var roll = random.Next(100);
            if (roll < 22)
            {
                await DeviceInsertPlotAsync(d.Store, ids.Next(), d.Farmer, Math.Round(random.NextDouble() * 5, 2));
            }
            else if (roll < 30)
            {
                var plot = await DeviceScalarAsync(d.Store, "SELECT plot_id FROM farm_plot ORDER BY plot_id LIMIT 1 OFFSET (@r % MAX(1, (SELECT COUNT(*) FROM farm_plot)))", ("@r", random.Next(1_000_000)));
                if (plot is string p)
                {
                    await DeviceExecAsync(d.Store, "INSERT INTO field_activity (activity_id, farmer_id, plot_id, activity_type, performed_on, cost_paise, notes) VALUES (@id, @f, @p, 'weeding', '2026-07-01', @c, 'निंदणी')",
                        ("@id", ids.Next()), ("@f", d.Farmer), ("@p", p), ("@c", random.Next(1, 500_000)));
                }
            }
            else if (roll < 52)
            {
                var column = Pick(random, ["local_name", "soil_type", "area_value", "tenure"]);
                object value = column == "area_value" ? Math.Round(random.NextDouble() * 5, 2) : column + "-" + random.Next(1000);
                await DeviceExecAsync(d.Store, $"UPDATE farm_plot SET {column} = @v WHERE plot_id = (SELECT plot_id FROM farm_plot ORDER BY plot_id LIMIT 1 OFFSET (@r % MAX(1, (SELECT COUNT(*) FROM farm_plot))))", ("@v", value), ("@r", random.Next(1_000_000)));
            }
            else if (roll < 56)
            {
                await DeviceExecAsync(d.Store, "UPDATE field_activity SET notes = @v, cost_paise = cost_paise + 100 WHERE activity_id = (SELECT activity_id FROM field_activity ORDER BY activity_id LIMIT 1 OFFSET (@r % MAX(1, (SELECT COUNT(*) FROM field_activity))))", ("@v", "note " + random.Next(1000)), ("@r", random.Next(1_000_000)));
            }
            else if (roll < 63)
            {
                var table = random.Next(3) == 0 ? ("field_activity", "activity_id") : ("farm_plot", "plot_id");
                await DeviceExecAsync(d.Store, $"DELETE FROM {table.Item1} WHERE {table.Item2} = (SELECT {table.Item2} FROM {table.Item1} ORDER BY {table.Item2} LIMIT 1 OFFSET (@r % MAX(1, (SELECT COUNT(*) FROM {table.Item1}))))", ("@r", random.Next(1_000_000)));
            }
            else if (roll < 66)
            {
                var district = Districts[random.Next(Districts.Length)];
                await DeviceExecAsync(d.Store, "UPDATE farmer_profile SET lgd_district_code = @d, lgd_block_code = @b", ("@d", district), ("@b", district * 10));
            }
            else if (roll < 68)
            {
                await DeviceExecAsync(d.Store, "INSERT INTO diagnosis_request (request_id, farmer_id, crop_code, notes) VALUES (@id, @f, 'SOYBEAN', 'पाने पिवळी')", ("@id", ids.Next()), ("@f", d.Farmer));
            }
            else if (roll < 86)
            {
                await TrySyncAsync(d);
            }
            else if (roll < 95)
            {
                // An officer edits or removes a plot on the server while devices work offline.
                var plots = await h.Store.ReadRowsAsync(plotTable, null, null, CancellationToken.None);
                if (plots.Count > 0)
                {
                    var target = (Guid)plots[random.Next(plots.Count)].Values[0]!;
                    if (random.Next(4) == 0)
                    {
                        await h.ServerWriteAsync(w => w.DeleteAsync(plotTable, target, h.Time.GetUtcNow(), CancellationToken.None));
                    }
                    else
                    {
                        var o = plotTable.Ordinal(Pick(random, ["area_value", "soil_type", "local_name"]));
                        var row = new object?[plotTable.Columns.Count];
                        row[o] = plotTable.Columns[o].Type == Sync.Scopes.ColumnType.Real ? Math.Round(random.NextDouble() * 50, 1) : "officer-" + random.Next(1000);
                        await h.ServerWriteAsync(w => w.UpdateAsync(plotTable, target, [o], row, CancellationToken.None));
                    }
                }
            }
            else
            {
                var t = h.Catalog["advisory_translation"];
                var target = advisories[random.Next(advisories.Count)];
                var row = new object?[t.Columns.Count];
                if (random.Next(2) == 0)
                {
                    row[t.Ordinal("status")] = random.Next(2) == 0 ? "withdrawn" : "published";
                    await h.ServerWriteAsync(w => w.UpdateAsync(t, target, [t.Ordinal("status")], row, CancellationToken.None));
                }
                else
                {
                    row[t.Ordinal("district_codes")] = "[" + Districts[random.Next(3)].ToString(CultureInfo.InvariantCulture) + "]";
                    await h.ServerWriteAsync(w => w.UpdateAsync(t, target, [t.Ordinal("district_codes")], row, CancellationToken.None));
                }
            }
        }

        // The network heals: every device syncs until nothing moves.
        foreach (var sim in sims)
        {
            sim.Transport.Inner.FailureRate = 0;
        }

        for (var round = 0; round < 3; round++)
        {
            foreach (var sim in sims)
            {
                await sim.Sync.SyncAsync(null, CancellationToken.None);
            }
        }

        // Everything each device sent and received, in order: equal on two runs of a seed exactly when they replayed the
        // same operations (on SQLite; PostgreSQL versions are transaction ids, which differ between runs).
        var fingerprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", sims.SelectMany(x => x.Transport.Log)))))[..16];
        TestContext.Out.WriteLine($"run fingerprint {fingerprint} (seed {seed})");

        var ledger = (await h.Store.ReadConflictsAsync(null, 1_000_000, CancellationToken.None)).Select(c => c.MutationId).ToHashSet();
        var farmerScope = h.Farmer;
        var pulled = farmerScope.PulledTables.Select(t => t.Name).ToList();
        foreach (var sim in sims)
        {
            Assert.That(await sim.Store.CountPendingAsync(CancellationToken.None), Is.Zero, "every local change was pushed");
            foreach (var table in pulled)
            {
                var expected = await h.ServerViewAsync(sim.Principal, farmerScope, table);
                var actual = await sim.Store.ReadAllAsync(table, CancellationToken.None);
                if (!actual.SequenceEqual(expected, RowComparer.Instance))
                {
                    var k = h.Catalog[table].KeyOrdinal;
                    var extra = actual.Where(a => !expected.Any(e => Equals(e[k], a[k]))).Select(a => a[k]);
                    var missing = expected.Where(e => !actual.Any(a => Equals(e[k], a[k]))).Select(e => e[k]);
                    var differing = actual.Where(a => expected.Any(e => Equals(e[k], a[k]) && !RowComparer.Instance.Equals(e, a))).Select(a => a[k]);
                    var history = new List<string>();
                    foreach (var key in extra.Concat(missing).Concat(differing).OfType<Guid>())
                    {
                        await using (var session = await h.Store.BeginWriteAsync(CancellationToken.None))
                        {
                            var row = await session.ReadRowForUpdateAsync(h.Catalog[table], key, CancellationToken.None);
                            history.Add($"{key}: server version {row?.Version} deleted {row?.Deleted}");
                        }

                        var ledgerEntries = (await h.Store.ReadConflictsAsync(null, 1_000_000, CancellationToken.None)).Where(c => c.RowKey == key.ToString());
                        history.AddRange(ledgerEntries.Select(c => $"  ledger {c.Kind} {c.Code} {c.Resolution} device {c.DeviceId} base {c.BaseVersion} server {c.ServerVersion}"));
                        history.AddRange(sims.SelectMany(x => x.Transport.Log.Where(l => l.Contains(key.ToString(), StringComparison.Ordinal)).Select(l => $"  {x.Principal.DeviceId}: {l}")));
                        history.AddRange(sim.Transport.Log.Select(l => "    this device: " + l));
                    }

                    Assert.Fail($"device {sim.Principal.DeviceId} (farmer {sim.Farmer}) table {table} diverged: extra [{string.Join(", ", extra)}], missing [{string.Join(", ", missing)}], differing [{string.Join(", ", differing)}]\n{string.Join("\n", history)}");
                }
            }

            var uploaded = await sim.Store.ReadAllAsync("diagnosis_request", CancellationToken.None);
            var onServer = (await h.Store.ReadRowsAsync(h.Catalog["diagnosis_request"], "farmer_id", sim.Farmer, CancellationToken.None)).Select(r => r.Values).ToList();
            Assert.That(onServer, Is.SupersetOf(uploaded), "every appended row reached the server");

            foreach (var result in sim.Transport.Results.Values)
            {
                if (result.Status is MutationStatus.Conflict or MutationStatus.Rejected or MutationStatus.Merged)
                {
                    Assert.That(ledger, Does.Contain(result.Id), $"mutation {result.Id} ({result.Status} {result.Code}) is not in the ledger");
                }
            }
        }

        var totalSent = sims.Sum(x => x.Transport.Results.Count);
        TestContext.Out.WriteLine($"devices {sims.Count}, mutations settled {totalSent}, ledger entries {ledger.Count}, pull failures {sims.Sum(x => x.Transport.Inner.PullFailures)}, push failures {sims.Sum(x => x.Transport.Inner.PushFailures)}");
        Assert.That(totalSent, Is.GreaterThan(500), "the run exercised pushes");
    }

    private static async Task TrySyncAsync(SimDevice d)
    {
        try
        {
            await d.Sync.SyncAsync(null, CancellationToken.None);
        }
        catch (IOException)
        {
            // Signal dropped mid-sync; the next sync resumes.
        }
    }

    private sealed class RowComparer : IEqualityComparer<object?[]>
    {
        public static RowComparer Instance { get; } = new();

        public bool Equals(object?[]? x, object?[]? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(object?[] obj) => obj.Length;
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    /// <summary>Keeps the last answer the device received for each mutation id.</summary>
    private sealed class RecordingTransport(FlakyTransport inner) : ISyncTransport
    {
        public FlakyTransport Inner { get; } = inner;

        public Dictionary<Guid, MutationResult> Results { get; } = [];

        /// <summary>What happened to each row key, for the failure report.</summary>
        public List<string> Log { get; } = [];

        public async Task<PushResponse> PushAsync(string scope, int scopeVersion, IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken)
        {
            foreach (var m in mutations)
            {
                Log.Add($"push {m.Id} {m.Operation} {m.Table} {m.Key} base {m.BaseVersion}");
            }

            PushResponse response;
            try
            {
                response = await Inner.PushAsync(scope, scopeVersion, mutations, cancellationToken);
            }
            catch (IOException)
            {
                Log.Add("push response lost");
                throw;
            }

            foreach (var r in response.Results)
            {
                Results[r.Id] = r;
                Log.Add($"result {r.Id} {r.Status} {r.Code} row v{r.Row?.Version} absent {r.Row?.Absent} values {(r.Row?.Values is null ? "-" : "yes")} key {mutations.First(m => m.Id == r.Id).Key}");
            }

            return response;
        }

        private static string Describe(string? cursor)
        {
            if (cursor is null)
            {
                return "(none)";
            }

            var payload = cursor[..cursor.IndexOf('.', StringComparison.Ordinal)].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            var c = System.Text.Json.JsonSerializer.Deserialize<SyncCursor>(Convert.FromBase64String(payload))!;
            return $"[{c.From}..{c.To} {c.Phase} t{c.TableIndex} after {c.AfterVersion}/{c.AfterKey}]";
        }

        public async Task<PullResponse> PullAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken)
        {
            try
            {
                var page = await Inner.PullAsync(scope, scopeVersion, cursor, cancellationToken);
                Log.Add($"pull {Describe(cursor)} -> {Describe(page.Cursor)} hasMore {page.HasMore}");
                foreach (var c in page.Changes)
                {
                    Log.AddRange(c.Upserts.Select(u => $"pulled upsert {c.Table} {u.Values[0]} v{u.Version}"));
                    Log.AddRange(c.Deletes.Select(k => $"pulled delete {c.Table} {k}"));
                }

                return page;
            }
            catch (IOException)
            {
                Log.Add("pull page lost");
                throw;
            }
        }
    }
}
