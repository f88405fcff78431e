using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Reference;

/// <summary>
/// Makes a reference table hold exactly a given set of rows: rows that are new or differ in any column are written,
/// stored rows the set no longer has become tombstones (so devices delete them), and equal rows are not touched, so
/// their change stamps stay and no device downloads them again. A table with nothing to change opens no transaction.
/// </summary>
internal static class ReferenceTableWriter
{
    /// <summary>Rows per write transaction: big enough to be bulk, small enough that a long load does not hold one huge transaction.</summary>
    public const int ChunkSize = 2_000;

    public static async Task<ReferenceTableResult> WriteAsync(
        IServerStore store, TableDefinition table, IReadOnlyList<object?[]> desired, TimeProvider time, IProgress<ReferenceLoadProgress>? progress, CancellationToken cancellationToken)
    {
        var stored = (await store.ReadRowsAsync(table, null, null, cancellationToken))
            .ToDictionary(r => (Guid)r.Values[table.KeyOrdinal]!);
        var writes = new List<object?[]>();
        var keys = new HashSet<Guid>();
        long inserted = 0, updated = 0;
        foreach (var row in desired)
        {
            var key = (Guid)row[table.KeyOrdinal]!;
            if (!keys.Add(key))
            {
                throw new InvalidOperationException($"{table.Name}: key {key} is computed for two rows");
            }

            if (!stored.TryGetValue(key, out var current))
            {
                inserted++;
                writes.Add(row);
            }
            else if (!Same(table, row, current.Values))
            {
                updated++;
                writes.Add(row);
            }
        }

        var deletes = stored.Keys.Where(k => !keys.Contains(k)).ToList();
        var total = desired.Count;
        progress?.Report(new ReferenceLoadProgress(table.Name, total - writes.Count, total));
        var done = total - writes.Count;
        for (var start = 0; start < Math.Max(writes.Count, deletes.Count > 0 ? 1 : 0); start += ChunkSize)
        {
            await using var session = await store.BeginWriteAsync(cancellationToken);
            foreach (var row in writes.Skip(start).Take(ChunkSize))
            {
                await session.UpsertAsync(table, row, cancellationToken);
            }

            // Tombstones go with the last chunk, so a table never loses rows before it has its new ones.
            if (start + ChunkSize >= writes.Count)
            {
                var now = time.GetUtcNow();
                foreach (var key in deletes)
                {
                    await session.DeleteAsync(table, key, now, cancellationToken);
                }
            }

            await session.CommitAsync(cancellationToken);
            done = Math.Min(total, done + ChunkSize);
            progress?.Report(new ReferenceLoadProgress(table.Name, done, total));
        }

        progress?.Report(new ReferenceLoadProgress(table.Name, total, total));
        return new ReferenceTableResult(table.Name, total, inserted, updated, total - inserted - updated, deletes.Count);
    }

    /// <summary>The table's definition, checked to have the columns a loader writes.</summary>
    public static TableDefinition Resolve(TableCatalog catalog, string name, string key, params string[] columns)
    {
        if (!catalog.TryGet(name, out var table))
        {
            throw new InvalidOperationException($"the table catalog has no '{name}' table (sync-scopes/catalog.json)");
        }

        if (table.Key != key)
        {
            throw new InvalidOperationException($"table '{name}' must be keyed by '{key}', not '{table.Key}'");
        }

        foreach (var column in columns)
        {
            if (!table.TryGetOrdinal(column, out _))
            {
                throw new InvalidOperationException($"table '{name}' has no column '{column}'");
            }
        }

        return table;
    }

    /// <summary>A row of the table with the given columns set (others null).</summary>
    public static object?[] Row(TableDefinition table, params (string Column, object? Value)[] values)
    {
        var row = new object?[table.Columns.Count];
        foreach (var (column, value) in values)
        {
            row[table.Ordinal(column)] = value;
        }

        return row;
    }

    private static bool Same(TableDefinition table, object?[] a, object?[] b)
    {
        for (var i = 0; i < table.Columns.Count; i++)
        {
            if (!ValueCodec.AreEqual(table.Columns[i].Type, a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }
}
