using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Sync.Engine;

/// <summary>Calls the engine directly as one principal: for tests, simulations and tools that run beside the server.</summary>
public sealed class LocalSyncTransport(SyncEngine engine, SyncPrincipal principal) : ISyncTransport
{
    public Task<PushResponse> PushAsync(string scope, int scopeVersion, IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken) =>
        engine.PushAsync(principal, scope, scopeVersion, mutations, cancellationToken);

    public Task<PullResponse> PullAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken) =>
        engine.PullAsync(principal, scope, scopeVersion, cursor, cancellationToken);
}
