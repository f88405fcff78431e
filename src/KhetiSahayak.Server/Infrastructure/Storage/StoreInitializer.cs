using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Server.Infrastructure.Storage;

/// <summary>
/// Loads the scopes and provisions the store before the server listens (StartingAsync runs before Kestrel starts).
/// Provisioning is idempotent, so every node of a cluster runs it at start.
/// </summary>
internal sealed partial class StoreInitializer(ScopeSet scopes, IServerStore store, StoreReadiness readiness, ILogger<StoreInitializer> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await store.ProvisionAsync(scopes, cancellationToken);
        readiness.MarkReady();
        var storeName = store.GetType().Name;
        var tableCount = scopes.Catalog.Tables.Count;
        var scopeNames = string.Join(", ", scopes.Scopes.Select(s => $"{s.Name}.v{s.Version}"));
        LogProvisioned(logger, storeName, tableCount, scopeNames);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Store {Store} provisioned: {TableCount} tables, scopes {Scopes}")]
    private static partial void LogProvisioned(ILogger logger, string store, int tableCount, string scopes);
}
