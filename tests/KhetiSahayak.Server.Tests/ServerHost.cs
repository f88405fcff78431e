using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using KhetiSahayak.Server.Infrastructure.Auth;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace KhetiSahayak.Server.Tests;

/// <summary>
/// The server on real Kestrel at 127.0.0.1 on a free port, over its own SQLite file or PostgreSQL database, with a
/// harness over the same store to seed farmers and look at server rows.
/// </summary>
internal sealed class ServerHost : IAsyncDisposable
{
    public const string SigningKey = "server-tests-signing-key-0123456789abcdef";
    public const string CursorKey = "server-tests-cursor-key-0123456789abcdef";

    private readonly KhetiServerFactory _factory;
    private readonly PostgresTestDatabase? _database;
    private readonly string _workDir;
    private readonly List<IDisposable> _disposables = [];

    private ServerHost(KhetiServerFactory factory, PostgresTestDatabase? database, string workDir, Uri baseAddress, SyncHarness harness)
    {
        _factory = factory;
        _database = database;
        _workDir = workDir;
        BaseAddress = baseAddress;
        Harness = harness;
    }

    public Uri BaseAddress { get; }

    public SyncHarness Harness { get; }

    public IServiceProvider Services => _factory.Services;

    public IServerStore Store => Services.GetRequiredService<IServerStore>();

    /// <summary>Starts a server; <paramref name="settings"/> and <paramref name="services"/> adjust it for one test.</summary>
    public static async Task<ServerHost> StartAsync(
        StoreKind store,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string environment = "Testing",
        string? sqlitePath = null)
    {
        var workDir = Path.Combine(Path.GetTempPath(), "ks-server-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        PostgresTestDatabase? database = null;
        var all = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Auth:SigningKey"] = SigningKey,
            ["Sync:CursorKey"] = CursorKey,
            ["Sync:RetryAfterSeconds"] = "1",

            // Each host its own snapshot cache: a snapshot carries a cursor of the store it was read from.
            ["Snapshots:Directory"] = Path.Combine(workDir, "snapshots"),
        };
        if (store == StoreKind.Postgres)
        {
            database = await PostgresTestDatabase.CreateAsync();
            all["Store:Provider"] = "postgres";
            all["Store:PostgresConnectionString"] = database.ConnectionString;
        }
        else
        {
            all["Store:Provider"] = "sqlite";
            all["Store:SqlitePath"] = sqlitePath ?? Path.Combine(workDir, "server.db");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new KhetiServerFactory(environment, all, services);
        try
        {
            factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            factory.StartServer();
            var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var harness = await SyncHarness.CreateAsync(factory.Services.GetRequiredService<IServerStore>());
            return new ServerHost(factory, database, workDir, new Uri(address + "/"), harness);
        }
        catch
        {
            await factory.DisposeAsync();
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _disposables)
        {
            d.Dispose();
        }

        await Harness.DisposeAsync();
        await _factory.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>A valid access token for the principal, signed with the server's key.</summary>
    public string Token(SyncPrincipal principal) =>
        Services.GetRequiredService<TokenIssuer>().Issue(principal.UserId, principal.Role, principal.DeviceId, principal.FarmerId, TimeSpan.FromHours(1));

    /// <summary>A new farmer on the server (district 481, block 4436, Marathi and English, growing soybean) and a principal on a new device.</summary>
    public async Task<SyncPrincipal> NewFarmerAsync()
    {
        var farmerId = await Harness.SeedFarmerAsync(481, 4436, "mr-IN", "en-IN", "SOYBEAN");
        return SyncHarness.FarmerPrincipal(farmerId, Guid.CreateVersion7());
    }

    /// <summary>The transport a device of <paramref name="principal"/> uses; with <paramref name="device"/>, pushes carry the first pull.</summary>
    public HttpSyncTransport Transport(SyncPrincipal principal, DeviceStore? device = null)
    {
        var token = Token(principal);
        var transport = new HttpSyncTransport(
            new HttpSyncTransportOptions
            {
                BaseAddress = BaseAddress,
                AccessToken = _ => ValueTask.FromResult(token),
                CurrentCursor = device is null ? null : device.GetCursorAsync,
                BaseDelay = TimeSpan.FromMilliseconds(50),
                MaxDelay = TimeSpan.FromSeconds(2),
            },
            Harness.Scopes.Scopes);
        _disposables.Add(transport);
        return transport;
    }

    /// <summary>An HttpClient that does not decompress, so tests see the wire as it is.</summary>
    public HttpClient RawClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = BaseAddress };
        _disposables.Add(client);
        return client;
    }

    /// <summary>Posts a JSON text (and optionally extra headers) with the principal's token.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string json, string? token, Action<HttpRequestMessage>? adjust = null)
    {
        var client = RawClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        adjust?.Invoke(request);
        return await client.SendAsync(request);
    }

    /// <summary>The pulled page of a fresh pull by the principal, as JSON.</summary>
    public async Task<JsonElement> PullJsonAsync(SyncPrincipal principal, string? cursor = null)
    {
        var body = cursor is null ? """{"protocol":1,"scopeVersion":1}""" : $$"""{"protocol":1,"scopeVersion":1,"cursor":"{{cursor}}"}""";
        using var response = await PostAsync("sync/v1/farmer/pull", body, Token(principal));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
