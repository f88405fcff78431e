namespace KhetiSahayak.Sync.Client;

/// <summary>Thread-safe counters the transport's sockets and retry loop add to.</summary>
internal sealed class WireCounters
{
    private long _requests;
    private long _retries;
    private long _busyRetries;
    private long _sent;
    private long _received;

    public void Request() => Interlocked.Increment(ref _requests);

    public void Retry() => Interlocked.Increment(ref _retries);

    public void BusyRetry()
    {
        Interlocked.Increment(ref _retries);
        Interlocked.Increment(ref _busyRetries);
    }

    public void Sent(int bytes) => Interlocked.Add(ref _sent, bytes);

    public void Received(int bytes) => Interlocked.Add(ref _received, bytes);

    public HttpSyncTransportStats Snapshot() =>
        new(Interlocked.Read(ref _requests), Interlocked.Read(ref _retries), Interlocked.Read(ref _sent), Interlocked.Read(ref _received), Interlocked.Read(ref _busyRetries));
}
