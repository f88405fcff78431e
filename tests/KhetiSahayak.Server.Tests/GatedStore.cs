using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Server.Tests;

/// <summary>A store that a test can hold inside a pull (to fill the concurrency limit) or make fail.</summary>
internal sealed class GatedStore(IServerStore inner, GatedStore.Gate gate) : IServerStore
{
    public Task ProvisionAsync(ScopeSet scopes, CancellationToken cancellationToken) => inner.ProvisionAsync(scopes, cancellationToken);

    public async Task<string> GetWatermarkAsync(CancellationToken cancellationToken)
    {
        await gate.PassAsync(cancellationToken);
        return await inner.GetWatermarkAsync(cancellationToken);
    }

    public Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken) => inner.IsExpiredAsync(watermark, cancellationToken);

    public bool IsWellFormedWatermark(string watermark) => inner.IsWellFormedWatermark(watermark);

    public Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(ChangeQuery query, CancellationToken cancellationToken) => inner.ReadChangesAsync(query, cancellationToken);

    public Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) => inner.BeginWriteAsync(cancellationToken);

    public Task<IReadOnlyList<StoredRow>> ReadRowsAsync(TableDefinition table, string? column, object? value, CancellationToken cancellationToken) =>
        inner.ReadRowsAsync(table, column, value, cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.PurgeAsync(cutoff, cancellationToken);

    public Task<IReadOnlyList<ConflictRecord>> ReadConflictsAsync(string? status, int limit, CancellationToken cancellationToken) =>
        inner.ReadConflictsAsync(status, limit, cancellationToken);

    /// <summary>Open by default; closed, it holds callers until opened; failing, it throws.</summary>
    internal sealed class Gate
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _closed;
        private Exception? _failure;

        public Task Entered => _entered.Task;

        public void Close() => _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _closed?.TrySetResult();

        public void Fail(Exception failure) => _failure = failure;

        public async Task PassAsync(CancellationToken cancellationToken)
        {
            if (_failure is { } failure)
            {
                throw failure;
            }

            if (_closed is { } closed)
            {
                _entered.TrySetResult();
                await closed.Task.WaitAsync(cancellationToken);
            }
        }
    }
}
