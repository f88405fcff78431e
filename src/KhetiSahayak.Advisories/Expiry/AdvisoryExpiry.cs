using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Expiry;

/// <summary>
/// Marks published advisories whose valid_to has passed, and their translations, as <c>expired</c>, through write
/// sessions so the status change is stamped and devices drop them at their next sync. Run it on a schedule (every
/// few minutes is plenty); running it again changes nothing.
/// </summary>
/// <remarks>
/// The store contract reads rows by one column's value only, so this reads the published advisories and checks
/// valid_to in memory: memory grows with the number of published advisories (not with history). A range read on the
/// catalog's (status, valid_to) index would make it constant; see the library README.
/// </remarks>
public sealed class AdvisoryExpiry
{
    private readonly IServerStore _store;
    private readonly AdvisoryTables _tables;
    private readonly TimeProvider _time;

    public AdvisoryExpiry(IServerStore store, TableCatalog catalog, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _tables = new AdvisoryTables(catalog);
        _time = time;
    }

    /// <summary>Expires what is due now, <paramref name="batchSize"/> advisories per transaction.</summary>
    public async Task<AdvisoryExpiryResult> ExpireAsync(int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var now = _time.GetUtcNow();
        var published = await _store.ReadRowsAsync(_tables.Advisory, "status", AdvisoryStatus.Published, cancellationToken);
        var due = published.Where(r => IsDue(r, now)).Select(r => (Guid)r.Values[_tables.Advisory.KeyOrdinal]!).ToArray();
        int advisories = 0, translations = 0;
        foreach (var chunk in due.Chunk(batchSize))
        {
            await using var session = await _store.BeginWriteAsync(cancellationToken);
            int a = 0, t = 0;
            foreach (var id in chunk)
            {
                // Check again under the lock: an import may have superseded or withdrawn it since the read.
                var row = await session.ReadRowForUpdateAsync(_tables.Advisory, id, cancellationToken);
                if (row is null || row.Deleted || !IsDue(row, now))
                {
                    continue;
                }

                await SetStatusAsync(session, _tables.Advisory, id, row.Values, _tables.AdvisoryStatus, cancellationToken);
                a++;
                foreach (var translation in await _store.ReadRowsAsync(_tables.Translation, "advisory_id", id, cancellationToken))
                {
                    if (!Equals(translation.Values[_tables.TranslationStatus], AdvisoryStatus.Expired))
                    {
                        var key = (Guid)translation.Values[_tables.Translation.KeyOrdinal]!;
                        await SetStatusAsync(session, _tables.Translation, key, translation.Values, _tables.TranslationStatus, cancellationToken);
                        t++;
                    }
                }
            }

            if (a > 0)
            {
                await session.CommitAsync(cancellationToken);
                advisories += a;
                translations += t;
            }
        }

        return new AdvisoryExpiryResult(advisories, translations);
    }

    private bool IsDue(StoredRow row, DateTimeOffset now) =>
        Equals(row.Values[_tables.AdvisoryStatus], AdvisoryStatus.Published) &&
        row.Values[_tables.AdvisoryValidTo] is DateTimeOffset validTo &&
        AdvisoryStatus.Effective(AdvisoryStatus.Published, validTo, now) == AdvisoryStatus.Expired;

    private static Task SetStatusAsync(IServerWriteSession session, TableDefinition table, Guid key, object?[] values, int statusOrdinal, CancellationToken cancellationToken)
    {
        var row = (object?[])values.Clone();
        row[statusOrdinal] = AdvisoryStatus.Expired;
        return session.UpdateAsync(table, key, [statusOrdinal], row, cancellationToken);
    }
}
