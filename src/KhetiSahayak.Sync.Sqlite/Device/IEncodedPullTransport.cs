namespace KhetiSahayak.Sync.Sqlite.Device;

/// <summary>
/// A transport that can hand pull pages over as the answer's UTF-8 JSON (the HTTP transport does). The synchronizer
/// then applies pages without decoding them into <see cref="Protocol.PullResponse"/> first; the rows, versions and
/// errors are the same either way.
/// </summary>
public interface IEncodedPullTransport
{
    /// <summary>The same page <see cref="Protocol.ISyncTransport.PullAsync"/> would return, undecoded. The caller disposes it.</summary>
    Task<EncodedPullPage> PullEncodedAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken);
}
