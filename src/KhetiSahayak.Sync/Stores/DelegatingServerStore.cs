using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Stores;

/// <summary>
/// A server store that hands every call to another one: the base of wrappers that time, gate or fail some calls.
/// Every member forwards, the interface's default methods included, so a wrapper never swaps the inner store's own
/// set-based paths for the one-row-at-a-time defaults; a subclass overrides only the calls it changes.
/// </summary>
public abstract class DelegatingServerStore(IServerStore inner) : IServerStore
{
    protected IServerStore Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public virtual Task ProvisionAsync(ScopeSet scopes, CancellationToken cancellationToken) => Inner.ProvisionAsync(scopes, cancellationToken);

    public virtual Task<string> GetWatermarkAsync(CancellationToken cancellationToken) => Inner.GetWatermarkAsync(cancellationToken);

    public virtual Task<bool> IsExpiredAsync(string watermark, CancellationToken cancellationToken) => Inner.IsExpiredAsync(watermark, cancellationToken);

    public virtual bool IsWellFormedWatermark(string watermark) => Inner.IsWellFormedWatermark(watermark);

    public virtual Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(ChangeQuery query, CancellationToken cancellationToken) => Inner.ReadChangesAsync(query, cancellationToken);

    public virtual Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) => Inner.BeginWriteAsync(cancellationToken);

    public virtual bool ConcurrentWriteSessions => Inner.ConcurrentWriteSessions;

    public virtual Task<IReadOnlyList<StoredRow>> ReadRowsAsync(TableDefinition table, string? column, object? value, CancellationToken cancellationToken) =>
        Inner.ReadRowsAsync(table, column, value, cancellationToken);

    public virtual Task<IReadOnlyList<StoredRow>> ReadRowsInAsync(TableDefinition table, string column, IReadOnlyCollection<Guid> values, CancellationToken cancellationToken) =>
        Inner.ReadRowsInAsync(table, column, values, cancellationToken);

    public virtual Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Inner.PurgeAsync(cutoff, cancellationToken);

    public virtual Task<IReadOnlyList<ConflictRecord>> ReadConflictsAsync(string? status, int limit, CancellationToken cancellationToken) =>
        Inner.ReadConflictsAsync(status, limit, cancellationToken);
}
