using System.Globalization;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Sync.Stores;
using Microsoft.Data.Sqlite;

namespace KhetiSahayak.Testing;

/// <summary>
/// A server store provisioned with the real scopes, an engine over it, and helpers to make farmers, devices and
/// server-side edits. Each test builds its own.
/// </summary>
public sealed class SyncHarness : IAsyncDisposable
{
    private readonly List<DeviceStore> _devices = [];

    private SyncHarness(IServerStore store, ScopeSet scopes, SyncEngine engine, ManualTimeProvider time, string workDir)
    {
        Store = store;
        Scopes = scopes;
        Engine = engine;
        Time = time;
        WorkDir = workDir;
    }

    public IServerStore Store { get; }

    public ScopeSet Scopes { get; }

    public SyncEngine Engine { get; }

    public ManualTimeProvider Time { get; }

    public string WorkDir { get; }

    public ScopeDefinition Farmer => Scopes.Find("farmer", 1)!;

    public TableCatalog Catalog => Scopes.Catalog;

    /// <summary>
    /// Where the harness's new ids come from: farmers, their crop cycles and the mutation ids of devices opened after
    /// it is set. A seeded source (<see cref="SeededIds"/>) makes a randomized run replay exactly.
    /// </summary>
    public Func<Guid> NewId { get; set; } = Guid.CreateVersion7;

    public static async Task<SyncHarness> CreateAsync(IServerStore store, SyncEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var scopes = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes);
        await store.ProvisionAsync(scopes, CancellationToken.None);
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 6, 15, 4, 30, 0, TimeSpan.Zero));
        var engine = new SyncEngine(store, scopes, new CursorProtector(new byte[32]), new ScopeParameterResolver(store, scopes.Catalog), time, options ?? new SyncEngineOptions());
        var dir = Path.Combine(Path.GetTempPath(), "ks-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return new SyncHarness(store, scopes, engine, time, dir);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _devices)
        {
            await d.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    public static SyncPrincipal FarmerPrincipal(Guid farmerId, Guid deviceId) => new(farmerId, "farmer", deviceId, farmerId);

    /// <summary>A new device database for the farmer scope.</summary>
    public async Task<DeviceStore> NewDeviceAsync(ScopeDefinition? scope = null)
    {
        var device = await DeviceStore.OpenAsync(Path.Combine(WorkDir, Guid.NewGuid().ToString("N") + ".db"), scope ?? Farmer, NewId, CancellationToken.None);
        _devices.Add(device);
        return device;
    }

    public DeviceSynchronizer Synchronizer(DeviceStore device, SyncPrincipal principal) =>
        new(device, new LocalSyncTransport(Engine, principal));

    public Task<SyncReport> SyncAsync(DeviceStore device, SyncPrincipal principal) =>
        Synchronizer(device, principal).SyncAsync(null, CancellationToken.None);

    /// <summary>A full row for <paramref name="table"/> from named values (others null).</summary>
    public object?[] Row(string table, IReadOnlyDictionary<string, object?> values)
    {
        var t = Catalog[table];
        var row = new object?[t.Columns.Count];
        foreach (var (name, value) in values)
        {
            row[t.Ordinal(name)] = value;
        }

        return row;
    }

    /// <summary>Writes on the server as an officer or admin would, outside any device.</summary>
    public async Task ServerWriteAsync(Func<IServerWriteSession, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        await using var session = await Store.BeginWriteAsync(CancellationToken.None);
        await write(session);
        await session.CommitAsync(CancellationToken.None);
    }

    public Task ServerUpsertAsync(string table, IReadOnlyDictionary<string, object?> values) =>
        ServerWriteAsync(s => s.UpsertAsync(Catalog[table], Row(table, values), CancellationToken.None));

    /// <summary>Creates a farmer's profile (and optionally crop cycles) on the server.</summary>
    public async Task<Guid> SeedFarmerAsync(long district, long block, string lang = "mr-IN", string? secondLang = "en-IN", params string[] crops)
    {
        var farmerId = NewId();
        await ServerUpsertAsync("farmer_profile", Profile(farmerId, district, block, lang, secondLang));
        foreach (var crop in crops)
        {
            await ServerUpsertAsync("crop_cycle", new Dictionary<string, object?>
            {
                ["cycle_id"] = NewId(),
                ["farmer_id"] = farmerId,
                ["plot_id"] = NewId(),
                ["crop_code"] = crop,
                ["season"] = "kharif",
                ["crop_year"] = "2026-27",
                ["status"] = "growing",
            });
        }

        return farmerId;
    }

    public static Dictionary<string, object?> Profile(Guid farmerId, long district, long block, string lang, string? secondLang) => new()
    {
        ["farmer_id"] = farmerId,
        ["full_name"] = "शेतकरी " + farmerId.ToString("N")[..6],
        ["preferred_lang"] = lang,
        ["secondary_lang"] = secondLang,
        ["lgd_state_code"] = 27L,
        ["lgd_district_code"] = district,
        ["lgd_block_code"] = block,
    };

    public static Dictionary<string, object?> Plot(Guid plotId, Guid farmerId, double acres, string? name = null) => new()
    {
        ["plot_id"] = plotId,
        ["farmer_id"] = farmerId,
        ["local_name"] = name ?? "plot " + plotId.ToString("N")[..6],
        ["area_value"] = acres,
        ["area_unit"] = "acre",
        ["area_ha"] = Math.Round(acres / 2.471, 4),
    };

    /// <summary>A published advisory translation for districts and crops.</summary>
    public static Dictionary<string, object?> Translation(Guid id, string lang, long[] districts, string[] crops, string status = "published", long[]? blocks = null, Guid? advisoryId = null) => new()
    {
        ["translation_id"] = id,
        ["advisory_id"] = advisoryId ?? Guid.CreateVersion7(),
        ["lang"] = lang,
        ["title"] = "सल्ला " + id.ToString("N")[..6],
        ["body"] = "पिकाची पाहणी करा.",
        ["district_codes"] = "[" + string.Join(",", districts.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]",
        ["block_codes"] = "[" + string.Join(",", (blocks ?? []).Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]",
        ["crop_codes"] = "[" + string.Join(",", crops.Select(c => "\"" + c + "\"")) + "]",
        ["status"] = status,
    };

    /// <summary>The rows the server would show this principal in a table (the test oracle, evaluated in memory).</summary>
    public async Task<List<object?[]>> ServerViewAsync(SyncPrincipal principal, ScopeDefinition scope, string table)
    {
        var st = scope.Tables.Single(t => t.Name == table);
        var p = await new ScopeParameterResolver(Store, Catalog).ResolveAsync(principal, CancellationToken.None);
        var rows = await Store.ReadRowsAsync(st.Table, null, null, CancellationToken.None);
        return rows.Where(r => FilterEvaluator.Matches(st.Filter, st.Table, r.Values, p)).Select(r => r.Values).OrderBy(r => r[st.Table.KeyOrdinal]!.ToString(), StringComparer.Ordinal).ToList();
    }

    /// <summary>Runs SQL on a device's database as the app would.</summary>
    public static async Task DeviceExecAsync(DeviceStore device, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(device);
        await using var cmd = device.Connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value switch { null => DBNull.Value, Guid g => g.ToString("D"), _ => value });
        }

        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<object?> DeviceScalarAsync(DeviceStore device, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(device);
        await using var cmd = device.Connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value switch { null => DBNull.Value, Guid g => g.ToString("D"), _ => value });
        }

        var result = await cmd.ExecuteScalarAsync();
        return result is DBNull ? null : result;
    }

    /// <summary>Inserts a plot on a device with plain SQL.</summary>
    public static Task DeviceInsertPlotAsync(DeviceStore device, Guid plotId, Guid farmerId, double acres) =>
        DeviceExecAsync(device, "INSERT INTO farm_plot (plot_id, farmer_id, local_name, area_value, area_unit, area_ha) VALUES (@id, @f, @n, @a, 'acre', @h)",
            ("@id", plotId), ("@f", farmerId), ("@n", "plot"), ("@a", acres), ("@h", Math.Round(acres / 2.471, 4)));

    public static string Key(Guid id) => id.ToString("D");

    public static Mutation InsertMutation(TableDefinition table, object?[] values) =>
        new(Guid.CreateVersion7(), table.Name, MutationOperation.Insert, values[table.KeyOrdinal]!.ToString()!, null,
            table.Columns.Select((c, i) => KeyValuePair.Create(c.Name, ValueCodec.ToJsonElement(c.Type, values[i]))).ToDictionary(), null, null);
}
