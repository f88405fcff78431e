namespace KhetiSahayak.Sync.Client;

/// <summary>
/// What a transport has cost so far: HTTP attempts, retries among them (<paramref name="BusyRetries"/> of those after a
/// 429 or 503 with Retry-After, which have their own budget), and bytes on the wire in each direction (everything the
/// sockets carried: headers, compressed bodies, TLS if any).
/// </summary>
public sealed record HttpSyncTransportStats(long Requests, long Retries, long BytesSent, long BytesReceived, long BusyRetries);
