using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>
/// A store that signals once an import's first batch has been planned by reading: a while after the first read of
/// <paramref name="lastReadTable"/> (a batch's last planning read) returns, so the importer has long recorded what
/// that read found. Everything goes to the real store's own paths.
/// </summary>
internal sealed class PlanningReadProbeStore(IServerStore inner, string lastReadTable) : DelegatingServerStore(inner)
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    private readonly TaskCompletionSource _firstPlanned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reads;

    /// <summary>Completes shortly after the first batch's planning reads have returned.</summary>
    public Task FirstPlanned => _firstPlanned.Task;

    public override async Task<IReadOnlyList<StoredRow>> ReadRowsInAsync(TableDefinition table, string column, IReadOnlyCollection<Guid> values, CancellationToken cancellationToken)
    {
        var rows = await Inner.ReadRowsInAsync(table, column, values, cancellationToken);
        if (table.Name == lastReadTable && Interlocked.Increment(ref _reads) == 1)
        {
            _ = Task.Delay(Settle, CancellationToken.None).ContinueWith(_ => _firstPlanned.TrySetResult(), TaskScheduler.Default);
        }

        return rows;
    }
}
