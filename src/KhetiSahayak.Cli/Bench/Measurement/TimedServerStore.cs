using System.Diagnostics;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>Wraps a server store and adds up the time its reads take (change reads, row reads, watermarks).</summary>
internal sealed class TimedServerStore(IServerStore inner) : DelegatingServerStore(inner)
{
    private long _ticks;

    public TimeSpan ReadTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    public override Task<string> GetWatermarkAsync(CancellationToken cancellationToken) => TimeAsync(() => Inner.GetWatermarkAsync(cancellationToken));

    public override Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken) => TimeAsync(() => Inner.IsExpiredAsync(watermark, cancellationToken));

    public override Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(ChangeQuery query, CancellationToken cancellationToken) => TimeAsync(() => Inner.ReadChangesAsync(query, cancellationToken));

    public override Task<IReadOnlyList<StoredRow>> ReadRowsAsync(TableDefinition table, string? column, object? value, CancellationToken cancellationToken) =>
        TimeAsync(() => Inner.ReadRowsAsync(table, column, value, cancellationToken));

    public override Task<IReadOnlyList<StoredRow>> ReadRowsInAsync(TableDefinition table, string column, IReadOnlyCollection<Guid> values, CancellationToken cancellationToken) =>
        TimeAsync(() => Inner.ReadRowsInAsync(table, column, values, cancellationToken));

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
