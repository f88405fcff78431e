using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Sync.Sqlite.Device;

/// <summary>
/// One device sync: push pending local changes (in batches), settle them with the server's answers, then pull page
/// by page, committing each page with its cursor. Safe to interrupt anywhere and run again. A transport that hands pages
/// over undecoded (<see cref="IEncodedPullTransport"/>) has them applied from their bytes.
/// </summary>
public sealed class DeviceSynchronizer(DeviceStore store, ISyncTransport transport, int pushBatchSize = 200)
{
    public async Task<SyncReport> SyncAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var scope = store.Scope;
        int pushed = 0, applied = 0, conflicts = 0, rejected = 0, pages = 0, upserts = 0, deletes = 0;
        var replacement = false;

        // Bounded: each round settles at least the entries the app did not edit meanwhile.
        var rounds = (await store.CountPendingAsync(cancellationToken) / pushBatchSize) + 2;
        for (var round = 0; round < rounds; round++)
        {
            var batch = await store.GetPendingAsync(pushBatchSize, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            var response = await transport.PushAsync(scope.Name, scope.Version, batch.Select(b => b.Mutation).ToList(), cancellationToken);
            await store.ApplyPushResultsAsync(batch, response, cancellationToken);
            pushed += batch.Count;
            foreach (var r in response.Results)
            {
                switch (r.Status)
                {
                    case MutationStatus.Applied or MutationStatus.Merged: applied++; break;
                    case MutationStatus.Conflict: conflicts++; break;
                    default: rejected++; break;
                }
            }

            progress?.Report(new SyncProgress(pushed, pages, upserts + deletes));
        }

        var cursor = await store.GetCursorAsync(cancellationToken);
        if (cursor is null)
        {
            // A first pull starts from nothing, so it carries no tombstones. Rows the device already holds (pushed
            // before it ever pulled) are reconciled like a replacement sync: kept if the pull brings them back.
            await store.BeginReplacementAsync(cancellationToken);
        }

        // The next page is requested as soon as this one's cursor is known and arrives while this one is applied:
        // server and device work overlap instead of taking turns. Only the committed cursor counts, so an
        // interruption anywhere still resumes after the last page applied, and a prefetched page is just dropped.
        var encoded = transport as IEncodedPullTransport;
        async Task<Page> PullAsync(string? from) => encoded is not null
            ? new Page(null, await encoded.PullEncodedAsync(scope.Name, scope.Version, from, cancellationToken))
            : new Page(await transport.PullAsync(scope.Name, scope.Version, from, cancellationToken), null);

        var next = PullAsync(cursor);
        while (true)
        {
            Page page;
            try
            {
                page = await next;
            }
            catch (SyncProtocolException ex) when (ex.Code is SyncErrorCodes.CursorExpired or SyncErrorCodes.CursorMismatch or SyncErrorCodes.CursorInvalid
                && cursor is not null && !replacement)
            {
                await store.BeginReplacementAsync(cancellationToken);
                replacement = true;
                cursor = null;
                next = PullAsync(cursor);
                continue;
            }

            Task<Page>? following;
            int u, d;
            using (page)
            {
                following = page.HasMore ? PullAsync(page.Cursor) : null;
                try
                {
                    (u, d) = await page.ApplyAsync(store, cancellationToken);
                }
                catch
                {
                    await ObserveAsync(following);
                    throw;
                }
            }

            upserts += u;
            deletes += d;
            pages++;
            cursor = page.Cursor;
            progress?.Report(new SyncProgress(pushed, pages, upserts + deletes));
            if (following is null)
            {
                break;
            }

            next = following;
        }

        return new SyncReport(pushed, applied, conflicts, rejected, pages, upserts, deletes, replacement);
    }

    /// <summary>Waits out a prefetch whose page will not be applied, so its failure is neither lost nor unobserved.</summary>
    private static async Task ObserveAsync(Task<Page>? prefetch)
    {
        if (prefetch is null)
        {
            return;
        }

        try
        {
            (await prefetch).Dispose();
        }
#pragma warning disable CA1031 // The apply's own exception is the one to report; the prefetched page is discarded either way.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>A pulled page either way the transport gives it.</summary>
    private sealed class Page(PullResponse? decoded, EncodedPullPage? encoded) : IDisposable
    {
        public string Cursor => decoded?.Cursor ?? encoded!.Cursor;

        public bool HasMore => decoded?.HasMore ?? encoded!.HasMore;

        public Task<(int Upserts, int Deletes)> ApplyAsync(DeviceStore store, CancellationToken cancellationToken) =>
            encoded is not null ? store.ApplyPullPageAsync(encoded, cancellationToken) : store.ApplyPullPageAsync(decoded!, cancellationToken);

        public void Dispose() => encoded?.Dispose();
    }
}
