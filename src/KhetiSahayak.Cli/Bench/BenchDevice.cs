using System.Globalization;
using KhetiSahayak.Cli.Bench.Measurement;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Sqlite.Device;

namespace KhetiSahayak.Cli.Bench;

/// <summary>A real device: its own SQLite replica, the HTTP transport a phone uses, and a timer around the transport.</summary>
internal sealed class BenchDevice : IAsyncDisposable
{
    private readonly HttpSyncTransport _http;

    private BenchDevice(SyncPrincipal principal, DeviceStore store, HttpSyncTransport http)
    {
        Principal = principal;
        Store = store;
        _http = http;
        Transport = new TimedTransport(http);
    }

    public SyncPrincipal Principal { get; }

    public DeviceStore Store { get; }

    public TimedTransport Transport { get; }

    /// <summary>Requests, retries and socket bytes of this device so far.</summary>
    public HttpSyncTransportStats Stats => _http.Stats;

    public static async Task<BenchDevice> OpenAsync(string path, SyncPrincipal principal, Uri server, string token, BenchEnvironment environment, int? maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(environment);
        var store = await DeviceStore.OpenAsync(path, environment.FarmerScope, cancellationToken);
        var options = new HttpSyncTransportOptions
        {
            BaseAddress = server,
            AccessToken = _ => ValueTask.FromResult(token),
            CurrentCursor = store.GetCursorAsync,
        };
        var http = new HttpSyncTransport(maxAttempts is { } attempts ? CopyWithAttempts(options, attempts) : options, environment.Scopes.Scopes);
        return new BenchDevice(principal, store, http);
    }

    private static HttpSyncTransportOptions CopyWithAttempts(HttpSyncTransportOptions o, int attempts) => new()
    {
        BaseAddress = o.BaseAddress,
        AccessToken = o.AccessToken,
        CurrentCursor = o.CurrentCursor,
        MaxAttempts = attempts,
    };

    public Task<SyncReport> SyncAsync(CancellationToken cancellationToken) =>
        new DeviceSynchronizer(Store, Transport).SyncAsync(null, cancellationToken);

    /// <summary>Rows of a table on the device.</summary>
    public async Task<long> CountAsync(string table, CancellationToken cancellationToken)
    {
        await using var cmd = Store.Connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Runs the app's own SQL on the device (local edits the next sync pushes).</summary>
    public async Task ExecAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var cmd = Store.Connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Store.DisposeAsync();
    }
}
