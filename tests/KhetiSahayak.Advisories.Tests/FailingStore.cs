using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>
/// A store whose write sessions throw on the upsert a predicate picks (a single upsert of that row, or a bulk write that
/// contains it), to prove what a failed transaction leaves. Everything else goes to the real store's own paths.
/// </summary>
internal sealed class FailingStore(IServerStore inner, Func<TableDefinition, IReadOnlyList<object?>, bool> failOn) : DelegatingServerStore(inner)
{
    public override async Task<IServerWriteSession> BeginWriteAsync(CancellationToken cancellationToken) =>
        new Session(await Inner.BeginWriteAsync(cancellationToken), failOn);

    // Every call that writes a row the predicate picks throws, whichever write path the importer takes.
    private sealed class Session(IServerWriteSession inner, Func<TableDefinition, IReadOnlyList<object?>, bool> failOn) : DelegatingWriteSession(inner)
    {
        public override Task UpsertAsync(TableDefinition table, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
            failOn(table, values) ? Fail() : Inner.UpsertAsync(table, values, cancellationToken);

        public override Task<StoredRow?> UpsertAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
            failOn(table, values) ? Fail<StoredRow?>() : Inner.UpsertAndReadAsync(table, key, values, cancellationToken);

        public override Task<StoredRow?> InsertNewAndReadAsync(TableDefinition table, Guid key, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
            failOn(table, values) ? Fail<StoredRow?>() : Inner.InsertNewAndReadAsync(table, key, values, cancellationToken);

        public override Task<long> UpsertManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
            rows.Any(r => failOn(table, r)) ? Fail<long>() : Inner.UpsertManyAsync(table, rows, cancellationToken);

        public override Task<long> InsertNewManyAsync(TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
            rows.Any(r => failOn(table, r)) ? Fail<long>() : Inner.InsertNewManyAsync(table, rows, cancellationToken);

        // The sets before the one holding the picked row really go in first, so the failure comes after some writes.
        public override async Task<bool> TryInsertAllNewAsync(IReadOnlyList<NewRows> sets, CancellationToken cancellationToken)
        {
            var failing = sets.ToList().FindIndex(set => set.Rows.Any(r => failOn(set.Table, r)));
            if (failing < 0)
            {
                return await Inner.TryInsertAllNewAsync(sets, cancellationToken);
            }

            if (failing > 0 && !await Inner.TryInsertAllNewAsync(sets.Take(failing).ToList(), cancellationToken))
            {
                return false;
            }

            return await Fail<bool>();
        }

        private static Task Fail() => throw new InvalidOperationException("injected write failure");

        private static Task<T> Fail<T>() => throw new InvalidOperationException("injected write failure");
    }
}
