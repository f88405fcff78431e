namespace KhetiSahayak.Sync.Client;

/// <summary>
/// What a transport has cost so far: HTTP attempts, retries among them, and bytes on the wire in each direction
/// (everything the sockets carried: headers, compressed bodies, TLS if any).
/// </summary>
public sealed record HttpSyncTransportStats(long Requests, long Retries, long BytesSent, long BytesReceived);
