using System.Collections.Concurrent;
using System.Diagnostics;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>
/// Wraps a server store and adds up, per kind of call, the time the advisory importer spends in it: planning reads,
/// opening a write session, locked reads, bulk upserts per table, tombstones and commits. What is left of the import's
/// wall time is reading, validating and planning in the importer (overlapped with the writes).
/// </summary>
internal sealed class TimedBulkStore(IServerStore inner) : IServerStore
{
    private readonly ConcurrentDictionary<string, long> _ticks = new(StringComparer.Ordinal);

    /// <summary>Seconds spent per kind of call, rounded to milliseconds.</summary>
    public IReadOnlyDictionary<string, double> Seconds() =>
        _ticks.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => Math.Round(Stopwatch.GetElapsedTime(0, p.Value).TotalSeconds, 3));

    public Task ProvisionAsync(ScopeSet scopes, CancellationToken cancellationToken) => inner.ProvisionAsync(scopes, cancellationToken);

    public Task<string> GetWatermarkAsync(CancellationToken cancellationToken) => inner.GetWatermarkAsync(cancellationToken);

    public Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken) => inner.IsExpiredAsync(watermark, cancellationToken);

    public bool IsWellFormedWatermark(string watermark) => inner.IsWellFormedWatermark(watermark);

    public Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(ChangeQuery query, CancellationToken cancellationToken) => inner.ReadChangesAsync(query, cancellationToken);

    public async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) =>
        new Session(await TimeAsync("begin_write", () => inner.BeginWriteAsync(cancellationToken)), this);

    public Task<IReadOnlyList<StoredRow>> ReadRowsAsync(TableDefinition table, string? column, object? value, CancellationToken cancellationToken) =>
        TimeAsync("read_rows", () => inner.ReadRowsAsync(table, column, value, cancellationToken));

    public Task<IReadOnlyList<StoredRow>> ReadRowsInAsync(TableDefinition table, string column, IReadOnlyCollection<Guid> values, CancellationToken cancellationToken) =>
        TimeAsync("planning_read." + table.Name, () => inner.ReadRowsInAsync(table, column, values, cancellationToken));

    public Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.PurgeAsync(cutoff, cancellationToken);

    public Task<IReadOnlyList<ConflictRecord>> ReadConflictsAsync(string? status, int limit, CancellationToken cancellationToken) =>
        inner.ReadConflictsAsync(status, limit, cancellationToken);

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

    private sealed class Session(IServerWriteSession inner, TimedBulkStore timer) : IServerWriteSession
    {
        public Task<StoredMutation?> FindMutationAsync(Guid mutationId, CancellationToken cancellationToken) => inner.FindMutationAsync(mutationId, cancellationToken);

        public Task<StoredRow?> ReadRowForUpdateAsync(TableDefinition table, Guid key, CancellationToken cancellationToken) =>
            timer.TimeAsync("locked_read_one", () => inner.ReadRowForUpdateAsync(table, key, cancellationToken));

        public Task<IReadOnlyDictionary<Guid, StoredRow>> ReadRowsForUpdateAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, CancellationToken cancellationToken) =>
            timer.TimeAsync("locked_read." + table.Name, () => inner.ReadRowsForUpdateAsync(table, keys, cancellationToken));

        public Task UpsertAsync(TableDefinition table, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
            timer.TimeAsync("upsert_one." + table.Name, () => inner.UpsertAsync(table, values, cancellationToken));

        public Task<long> UpsertManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
            timer.TimeAsync("bulk_upsert." + table.Name, () => inner.UpsertManyAsync(table, rows, cancellationToken));

        // Timed under the same name as the upsert: the figure stays the time spent writing each table's rows.
        public Task<long> InsertNewManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
            timer.TimeAsync("bulk_upsert." + table.Name, () => inner.InsertNewManyAsync(table, rows, cancellationToken));

        public Task DeleteManyAsync(TableDefinition table, IReadOnlyCollection<Guid> keys, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
            timer.TimeAsync("bulk_delete." + table.Name, () => inner.DeleteManyAsync(table, keys, deletedAt, cancellationToken));

        public Task UpdateAsync(TableDefinition table, Guid key, IReadOnlyList<int> ordinals, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
            inner.UpdateAsync(table, key, ordinals, values, cancellationToken);

        public Task DeleteAsync(TableDefinition table, Guid key, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
            inner.DeleteAsync(table, key, deletedAt, cancellationToken);

        public Task SaveMutationAsync(StoredMutation mutation, CancellationToken cancellationToken) => inner.SaveMutationAsync(mutation, cancellationToken);

        public Task RecordConflictAsync(ConflictRecord record, CancellationToken cancellationToken) => inner.RecordConflictAsync(record, cancellationToken);

        public Task SavepointAsync(CancellationToken cancellationToken) => inner.SavepointAsync(cancellationToken);

        public Task RollbackToSavepointAsync(CancellationToken cancellationToken) => inner.RollbackToSavepointAsync(cancellationToken);

        public Task ReleaseSavepointAsync(CancellationToken cancellationToken) => inner.ReleaseSavepointAsync(cancellationToken);

        public Task CommitAsync(CancellationToken cancellationToken) => timer.TimeAsync("commit", () => inner.CommitAsync(cancellationToken));

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
