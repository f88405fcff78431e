using System.Diagnostics;
using System.Security.Cryptography;
using KhetiSahayak.Cli.Bench.Hosting;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace KhetiSahayak.Cli.Bench;

/// <summary>
/// One bench run's world: a work folder, the server database, the real server on loopback, the scopes and the
/// deterministic data. Everything it created is removed on dispose (unless the caller chose the work folder).
/// </summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly bool _ownsWorkDirectory;
    private int _devices;

    private BenchEnvironment(BenchSettings settings, string workDirectory, bool ownsWorkDirectory, ScopeSet scopes, BenchDatabase database, BenchServer server)
    {
        Settings = settings;
        WorkDirectory = workDirectory;
        _ownsWorkDirectory = ownsWorkDirectory;
        Scopes = scopes;
        FarmerScope = scopes.Find("farmer", 1) ?? throw new InvalidOperationException("the farmer scope v1 is missing from the scope files");
        Database = database;
        Server = server;
        Data = new BenchData(scopes.Catalog, settings.Seed);
    }

    public BenchSettings Settings { get; }

    public string WorkDirectory { get; }

    public ScopeSet Scopes { get; }

    public ScopeDefinition FarmerScope { get; }

    public BenchDatabase Database { get; }

    public BenchServer Server { get; }

    public BenchData Data { get; }

    /// <summary>The server's own store instance (the one its sync endpoints use).</summary>
    public IServerStore Store => Server.Services.GetRequiredService<IServerStore>();

    public static async Task<BenchEnvironment> StartAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var scopesDirectory = BenchScopes.FindDirectory(settings.ScopesDirectory);
        var scopes = ScopeLoader.LoadDirectory(scopesDirectory);
        var owns = settings.WorkDirectory is null;
        var workDirectory = settings.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "kheti-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDirectory);
        Directory.CreateDirectory(Path.Combine(workDirectory, "devices"));
        BenchDatabase? database = null;
        try
        {
            settings.Status?.Report("creating the server database");
            database = await BenchDatabase.CreateAsync(settings.Store, workDirectory, settings.PostgresConnectionString, cancellationToken);
            var serverSettings = new Dictionary<string, string>(database.ServerSettings, StringComparer.OrdinalIgnoreCase)
            {
                // Fresh random keys per run: the bench issues its tokens through the server's own issuer.
                ["Auth:SigningKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
                ["Sync:CursorKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
                ["Sync:ScopesPath"] = scopesDirectory,
            };
            foreach (var (key, value) in settings.ServerSettings)
            {
                serverSettings[key] = value;
            }

            settings.Status?.Report("starting the server");
            var server = await BenchServer.StartAsync(serverSettings, cancellationToken);
            return new BenchEnvironment(settings, workDirectory, owns, scopes, database, server);
        }
        catch
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            DeleteDirectory(workDirectory, owns);
            throw;
        }
    }

    /// <summary>A farmer principal on a new device.</summary>
    public static SyncPrincipal Farmer(Guid farmerId) => new(farmerId, "farmer", Guid.CreateVersion7(), farmerId);

    /// <summary>A new device for <paramref name="principal"/>, talking to the server directly.</summary>
    public Task<BenchDevice> NewDeviceAsync(SyncPrincipal principal, CancellationToken cancellationToken) => NewDeviceAsync(principal, null, null, cancellationToken);

    /// <summary>A new device for <paramref name="principal"/>, talking to the server directly or through <paramref name="via"/>.</summary>
    /// <param name="maxAttempts">The transport's attempts per call; null keeps the SDK's default.</param>
    public Task<BenchDevice> NewDeviceAsync(SyncPrincipal principal, Uri? via, int? maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var n = Interlocked.Increment(ref _devices);
        var path = Path.Combine(WorkDirectory, "devices", $"device-{n:D5}.db");
        return BenchDevice.OpenAsync(path, principal, via ?? Server.Address, Server.FarmerToken(principal.FarmerId!.Value, principal.DeviceId), this, maxAttempts, cancellationToken);
    }

    /// <summary>
    /// Writes rows through the server store's write sessions (the path every server write takes), in transactions of
    /// <paramref name="batch"/> rows. Returns the time it took.
    /// </summary>
    public async Task<TimeSpan> SeedAsync(IEnumerable<(TableDefinition Table, object?[] Values)> rows, int batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var started = Stopwatch.GetTimestamp();
        var store = Store;
        IServerWriteSession? session = null;
        var inBatch = 0;
        try
        {
            foreach (var (table, values) in rows)
            {
                session ??= await store.BeginWriteAsync(cancellationToken);
                await session.UpsertAsync(table, values, cancellationToken);
                if (++inBatch >= batch)
                {
                    await session.CommitAsync(cancellationToken);
                    await session.DisposeAsync();
                    session = null;
                    inBatch = 0;
                }
            }

            if (session is not null)
            {
                await session.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// After seeding: on PostgreSQL, ANALYZE, so the planner knows the tables as a running system's autovacuum would
    /// (without it, the first queries after a large load plan against empty-table statistics). Returns what was done.
    /// </summary>
    public async Task<string> SettleAsync(CancellationToken cancellationToken)
    {
        if (Settings.Store != BenchStore.Postgres)
        {
            return "none (SQLite)";
        }

        if (Settings.SkipAnalyze)
        {
            return "skipped (--no-analyze): planner statistics as right after the load";
        }

        Settings.Status?.Report("ANALYZE");
        await Database.ExecAsync("ANALYZE", cancellationToken);
        return "ANALYZE after seeding";
    }

    /// <summary>Writes rows through the server store's write sessions, 5,000 rows a transaction.</summary>
    public Task<TimeSpan> SeedAsync(IEnumerable<(TableDefinition Table, object?[] Values)> rows, CancellationToken cancellationToken) =>
        SeedAsync(rows, 5_000, cancellationToken);

    /// <summary>Writes rows of one table through the server store's write sessions, 5,000 rows a transaction.</summary>
    public Task<TimeSpan> SeedAsync(TableDefinition table, IEnumerable<object?[]> rows, CancellationToken cancellationToken) =>
        SeedAsync(rows.Select(r => (table, r)), 5_000, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        await Database.DisposeAsync();
        DeleteDirectory(WorkDirectory, _ownsWorkDirectory);
    }

    private static void DeleteDirectory(string directory, bool owned)
    {
        if (!owned)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}
