using System.Collections.Concurrent;
using System.Diagnostics;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>
/// Wraps a server store and adds up, per kind of call, the time the advisory importer spends in it: planning reads,
/// opening a write session, inserts of batches believed new, locked reads, bulk upserts per table, tombstones and
/// commits. What is left of the import's wall time is reading, validating and planning in the importer (overlapped
/// with the writes).
/// </summary>
internal sealed class TimedBulkStore(IServerStore inner) : DelegatingServerStore(inner)
{
    private readonly ConcurrentDictionary<string, long> _ticks = new(StringComparer.Ordinal);

    /// <summary>Seconds spent per kind of call, rounded to milliseconds.</summary>
    public IReadOnlyDictionary<string, double> Seconds() =>
        _ticks.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => Math.Round(Stopwatch.GetElapsedTime(0, p.Value).TotalSeconds, 3));

    public override async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) =>
        new Session(await TimeAsync("begin_write", () => Inner.BeginWriteAsync(cancellationToken)), this);

    public override Task<IReadOnlyList<StoredRow>> ReadRowsAsync(TableDefinition table, string? column, object? value, CancellationToken cancellationToken) =>
        TimeAsync("read_rows", () => Inner.ReadRowsAsync(table, column, value, cancellationToken));

    public override Task<IReadOnlyList<StoredRow>> ReadRowsInAsync(TableDefinition table, string column, IReadOnlyCollection<Guid> values, CancellationToken cancellationToken) =>
        TimeAsync("planning_read." + table.Name, () => Inner.ReadRowsInAsync(table, column, values, cancellationToken));

    private async Task<T> TimeAsync<T>(string kind, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            _ticks.AddOrUpdate(kind, Stopwatch.GetTimestamp() - started, (_, t) => t + Stopwatch.GetTimestamp() - started);
        }
    }

    private async Task TimeAsync(string kind, Func<Task> call) => await TimeAsync(kind, async () =>
    {
        await call();
        return true;
    });

    private sealed class Session(IServerWriteSession inner, TimedBulkStore timer) : DelegatingWriteSession(inner)
    {
        public override Task<StoredRow?> ReadRowForUpdateAsync(TableDefinition table, Guid key, CancellationToken cancellationToken) =>
            timer.TimeAsync("locked_read_one", () => Inner.ReadRowForUpdateAsync(table, key, cancellationToken));

        public override Task<IReadOnlyDictionary<Guid, StoredRow>> ReadRowsForUpdateAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, CancellationToken cancellationToken) =>
            timer.TimeAsync("locked_read." + table.Name, () => Inner.ReadRowsForUpdateAsync(table, keys, cancellationToken));

        public override Task UpsertAsync(TableDefinition table, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
            timer.TimeAsync("upsert_one." + table.Name, () => Inner.UpsertAsync(table, values, cancellationToken));

        public override Task<long> UpsertManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
            timer.TimeAsync("bulk_upsert." + table.Name, () => Inner.UpsertManyAsync(table, rows, cancellationToken));

        // Timed under the same name as the upsert: the figure stays the time spent writing each table's rows.
        public override Task<long> InsertNewManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
            timer.TimeAsync("bulk_upsert." + table.Name, () => Inner.InsertNewManyAsync(table, rows, cancellationToken));

        // Both tables' rows in one call: timed as one figure.
        public override Task<bool> TryInsertAllNewAsync(IReadOnlyList<NewRows> sets, CancellationToken cancellationToken) =>
            timer.TimeAsync("bulk_insert_new", () => Inner.TryInsertAllNewAsync(sets, cancellationToken));

        public override Task DeleteManyAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
            timer.TimeAsync("bulk_delete." + table.Name, () => Inner.DeleteManyAsync(table, keys, deletedAt, cancellationToken));

        public override Task CommitAsync(CancellationToken cancellationToken) => timer.TimeAsync("commit", () => Inner.CommitAsync(cancellationToken));
    }
}
