using System.Diagnostics;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Sqlite.Device;

namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>
/// Wraps a device's transport and adds up the time spent inside it (HTTP and decompression; pages handed over undecoded
/// are decoded by the device store as it applies them), so the rest of a sync's time is the device's own work. It
/// passes undecoded pulls through, so the synchronizer takes the same path as with the bare HTTP transport.
/// </summary>
internal sealed class TimedTransport(HttpSyncTransport inner) : ISyncTransport, IEncodedPullTransport
{
    private long _ticks;
    private int _calls;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    public int Calls => Volatile.Read(ref _calls);

    public async Task<PushResponse> PushAsync(string scope, int scopeVersion, IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.PushAsync(scope, scopeVersion, mutations, cancellationToken);
        }
        finally
        {
            Add(started);
        }
    }

    public async Task<PullResponse> PullAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.PullAsync(scope, scopeVersion, cursor, cancellationToken);
        }
        finally
        {
            Add(started);
        }
    }

    public async Task<EncodedPullPage> PullEncodedAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.PullEncodedAsync(scope, scopeVersion, cursor, cancellationToken);
        }
        finally
        {
            Add(started);
        }
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _ticks, 0);
        Interlocked.Exchange(ref _calls, 0);
    }

    private void Add(long started)
    {
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - started);
        Interlocked.Increment(ref _calls);
    }
}
