using System.Diagnostics;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>Wraps a server store and adds up the time its reads take (change reads, row reads, watermarks).</summary>
internal sealed class TimedServerStore(IServerStore inner) : IServerStore
{
    private long _ticks;

    public TimeSpan ReadTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    public Task ProvisionAsync(ScopeSet scopes, CancellationToken cancellationToken) => inner.ProvisionAsync(scopes, cancellationToken);

    public Task<string> GetWatermarkAsync(CancellationToken cancellationToken) => TimeAsync(() => inner.GetWatermarkAsync(cancellationToken));

    public Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken) => TimeAsync(() => inner.IsExpiredAsync(watermark, cancellationToken));

    public bool IsWellFormedWatermark(string watermark) => inner.IsWellFormedWatermark(watermark);

    public Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(ChangeQuery query, CancellationToken cancellationToken) => TimeAsync(() => inner.ReadChangesAsync(query, cancellationToken));

    public Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) => inner.BeginWriteAsync(cancellationToken);

    public Task<IReadOnlyList<StoredRow>> ReadRowsAsync(TableDefinition table, string? column, object? value, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.ReadRowsAsync(table, column, value, cancellationToken));

    public Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.PurgeAsync(cutoff, cancellationToken);

    public Task<IReadOnlyList<ConflictRecord>> ReadConflictsAsync(string? status, int limit, CancellationToken cancellationToken) =>
        inner.ReadConflictsAsync(status, limit, cancellationToken);

    private async Task<T> TimeAsync<T>(Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - started);
        }
    }
}
