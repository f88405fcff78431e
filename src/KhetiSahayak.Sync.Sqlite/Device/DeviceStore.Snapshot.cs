using KhetiSahayak.Sync.Protocol;
using Microsoft.Data.Sqlite;

namespace KhetiSahayak.Sync.Sqlite.Device;

/// <summary>First install from a snapshot (PROTOCOL.md, "First install from a snapshot").</summary>
public sealed partial class DeviceStore
{
    /// <summary>
    /// True when a snapshot may be installed: no cursor, no replacement in progress and no row in any table the device
    /// pulls. Only an empty device takes a snapshot: a first sync of a device that already holds rows must reconcile
    /// them like a replacement sync, which the ordinary first sync does.
    /// </summary>
    public async Task<bool> CanInstallSnapshotAsync(CancellationToken cancellationToken)
    {
        if (await GetCursorAsync(cancellationToken) is not null || await GetStateAsync("replacing", cancellationToken) is not null)
        {
            return false;
        }

        foreach (var st in Scope.PulledTables)
        {
            await using var cmd = _connection.CreateCommand();
            cmd.CommandText = $"SELECT EXISTS (SELECT 1 FROM {Q(st.Name)})";
            if (Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Applies every page of a snapshot and stores its cursor in one transaction: the device gets the whole snapshot
    /// or nothing. The pages are read one at a time, so memory is bounded by a page. The last page must say
    /// <c>hasMore: false</c> and carry the cursor; anything else (a truncated file) rolls everything back.
    /// </summary>
    /// <returns>Rows upserted and deleted.</returns>
    /// <exception cref="InvalidOperationException">The device is not empty (see <see cref="CanInstallSnapshotAsync"/>).</exception>
    /// <exception cref="InvalidDataException">The pages do not end with the snapshot cursor.</exception>
    public async Task<(int Upserts, int Deletes)> ApplySnapshotAsync(IAsyncEnumerable<PullResponse> pages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pages);
        await using var tx = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken);
        if (!await CanInstallSnapshotAsync(cancellationToken))
        {
            throw new InvalidOperationException("A snapshot is only installed on an empty device that never synced; run an ordinary sync.");
        }

        await ExecAsync("INSERT OR IGNORE INTO _ks_applying (id) VALUES (1)", tx, cancellationToken);
        var upserts = 0;
        var deletes = 0;
        string? cursor = null;
        var ended = false;
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            if (ended)
            {
                throw new InvalidDataException("The snapshot has pages after its last one.");
            }

            foreach (var changes in page.Changes)
            {
                if (!Scope.TryGetTable(changes.Table, out var st) || st.Direction == Scopes.SyncDirection.UploadOnly)
                {
                    continue;
                }

                var table = st.Table;
                var ordinals = changes.Columns.Select(c => table.TryGetOrdinal(c, out var o) ? o : -1).ToArray();
                if (changes.Upserts.Count > 0)
                {
                    await using var cmd = UpsertCommand(table, tx, guardPending: true);
                    var row = new object?[table.Columns.Count];
                    foreach (var pulled in changes.Upserts)
                    {
                        Array.Clear(row);
                        for (var i = 0; i < ordinals.Length; i++)
                        {
                            if (ordinals[i] >= 0)
                            {
                                row[ordinals[i]] = pulled.Values[i];
                            }
                        }

                        BindUpsert(cmd, table, row, pulled.Version);
                        upserts += await cmd.ExecuteNonQueryAsync(cancellationToken);
                    }
                }

                if (changes.Deletes.Count > 0)
                {
                    await using var del = Prepared(tx, $"DELETE FROM {Q(table.Name)} WHERE {Q(table.Key)} = @k AND NOT EXISTS (SELECT 1 FROM _ks_pending WHERE tbl = '{table.Name}' AND row_key = @k)", "@k");
                    foreach (var key in changes.Deletes)
                    {
                        del.Parameters[0].Value = key;
                        deletes += await del.ExecuteNonQueryAsync(cancellationToken);
                    }
                }
            }

            if (!page.HasMore)
            {
                ended = true;
                cursor = page.Cursor;
            }
        }

        if (!ended || string.IsNullOrEmpty(cursor))
        {
            throw new InvalidDataException("The snapshot ends before its last page (the one with the cursor); nothing was applied.");
        }

        await ExecAsync("INSERT INTO _ks_state (key, value) VALUES ('cursor', @c) ON CONFLICT (key) DO UPDATE SET value = excluded.value", tx, cancellationToken, ("@c", cursor));
        await ExecAsync("DELETE FROM _ks_applying", tx, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (upserts, deletes);
    }
}
