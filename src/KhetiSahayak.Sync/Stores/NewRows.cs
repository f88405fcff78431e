using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Stores;

/// <summary>Rows of one table, all with keys the writer believes are not stored (see <see cref="IServerWriteSession.TryInsertAllNewAsync"/>).</summary>
public sealed record NewRows(TableDefinition Table, IReadOnlyList<object?[]> Rows)
{
    /// <summary>
    /// <see cref="IServerWriteSession.TryInsertAllNewAsync"/> by a locked read of every key first: false when any is
    /// stored, else every row through <see cref="IServerWriteSession.InsertNewManyAsync"/>. Exact where writers are
    /// serialized; elsewhere a key stored between the read and the insert ends as an upsert.
    /// </summary>
    public static async Task<bool> LockThenInsertAsync(IServerWriteSession session, IReadOnlyList<NewRows> sets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(sets);
        foreach (var set in sets)
        {
            var keys = set.Rows.Select(r => r[set.Table.KeyOrdinal] as Guid? ?? throw new ArgumentException($"rows of '{set.Table.Name}' need a key", nameof(sets))).ToArray();
            if (keys.Length > 0 && (await session.ReadRowsForUpdateAsync(set.Table, keys, cancellationToken)).Count > 0)
            {
                return false;
            }
        }

        foreach (var set in sets)
        {
            await session.InsertNewManyAsync(set.Table, set.Rows, cancellationToken);
        }

        return true;
    }
}
