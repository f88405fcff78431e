using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Stores;

/// <summary>
/// A server database the engine syncs against. Every implementation passes the same conformance suite
/// (tests/KhetiSahayak.Testing/ServerStoreConformanceTests.cs).
/// </summary>
public interface IServerStore
{
    /// <summary>Creates or extends the tables, change tracking, ledger and bookkeeping; running it twice changes nothing.</summary>
    Task ProvisionAsync(ScopeSet scopes, CancellationToken cancellationToken);

    /// <summary>A watermark that covers every change committed so far and none that commits later.</summary>
    Task<string> GetWatermarkAsync(CancellationToken cancellationToken);

    /// <summary>True when tombstones a device at <paramref name="watermark"/> still needs have been purged.</summary>
    Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken);

    /// <summary>Checks that a watermark string is one this store could have issued.</summary>
    bool IsWellFormedWatermark(string watermark);

    Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(ChangeQuery query, CancellationToken cancellationToken);

    /// <summary>Starts a write transaction; dispose without commit rolls it back.</summary>
    Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True when write sessions on separate connections proceed side by side, taking row locks (PostgreSQL); false when
    /// each waits for one database-wide write lock (SQLite), so a bulk writer gains nothing by opening a second one.
    /// </summary>
    bool ConcurrentWriteSessions => false;

    /// <summary>Live (not deleted) rows of a table, all or those whose <paramref name="column"/> equals <paramref name="value"/>.</summary>
    Task<IReadOnlyList<StoredRow>> ReadRowsAsync(TableDefinition table, string? column, object? value, CancellationToken cancellationToken);

    /// <summary>
    /// Live rows of a table whose UUID <paramref name="column"/> is one of <paramref name="values"/>, in one query where
    /// the store can (the bulk importer's planning read). The default asks once per value.
    /// </summary>
    async Task<IReadOnlyList<StoredRow>> ReadRowsInAsync(TableDefinition table, string column, IReadOnlyCollection<Guid> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        var rows = new List<StoredRow>();
        foreach (var value in values)
        {
            rows.AddRange(await ReadRowsAsync(table, column, value, cancellationToken));
        }

        return rows;
    }

    /// <summary>Removes tombstones and move records older than <paramref name="cutoff"/>; returns how many went.</summary>
    Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Ledger entries, newest first.</summary>
    Task<IReadOnlyList<ConflictRecord>> ReadConflictsAsync(string? status, int limit, CancellationToken cancellationToken);
}
