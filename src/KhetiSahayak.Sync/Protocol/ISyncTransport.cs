namespace KhetiSahayak.Sync.Protocol;

/// <summary>How a device reaches the server: HTTP in the field, in-process in tests and simulations.</summary>
public interface ISyncTransport
{
    Task<PushResponse> PushAsync(string scope, int scopeVersion, IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken);

    Task<PullResponse> PullAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken);
}
