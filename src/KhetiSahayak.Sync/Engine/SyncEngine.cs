using System.Data.Common;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Sync.Engine;

/// <summary>
/// The server side of sync: applies pushed mutations with conflict detection and serves paged, resumable pulls.
/// It keeps no state between calls; everything lives in the store or in the signed cursor.
/// </summary>
public sealed class SyncEngine(
    IServerStore store,
    ScopeSet scopes,
    CursorProtector protector,
    IScopeParameterResolver resolver,
    TimeProvider time,
    SyncEngineOptions options)
{
    public ScopeSet Scopes => scopes;

    /// <summary>Finds the scope a principal asks for, or refuses with a stable code.</summary>
    public ScopeDefinition ResolveScope(SyncPrincipal principal, string scopeName, int scopeVersion)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var scope = scopes.Find(scopeName, scopeVersion)
            ?? throw new SyncProtocolException(SyncErrorCodes.UnknownScope, $"Scope '{scopeName}' version {scopeVersion} is not served here.");
        if (scope.Role is not null && scope.Role != principal.Role)
        {
            throw new SyncProtocolException(SyncErrorCodes.ScopeForbidden, $"Scope '{scopeName}' is for the role '{scope.Role}'.");
        }

        return scope;
    }

    /// <summary>Applies a device's mutations in order, each with its own result; one bad mutation blocks none of the others.</summary>
    public async Task<PushResponse> PushAsync(SyncPrincipal principal, string scopeName, int scopeVersion, IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutations);
        var scope = ResolveScope(principal, scopeName, scopeVersion);
        if (mutations.Count > options.MaxMutationsPerPush)
        {
            throw new SyncProtocolException(SyncErrorCodes.TooManyMutations, $"A push carries at most {options.MaxMutationsPerPush} mutations; split it.");
        }

        var parameters = await resolver.ResolveAsync(principal, cancellationToken);
        var results = new List<MutationResult>(mutations.Count);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var context = new PushContext(principal, scope, parameters, session);
        await PrefetchAsync(context, mutations, cancellationToken);
        foreach (var mutation in mutations)
        {
            results.Add(await ApplyOneAsync(context, mutation, cancellationToken));
        }

        await session.CommitAsync(cancellationToken);
        return new PushResponse(results);
    }

    /// <summary>
    /// What a push decides from, read up front in one statement each: the stored outcomes of its mutation ids and, per
    /// table, the rows it names, locked until commit. Reading them one by one cost two round trips per mutation.
    /// </summary>
    private static async Task PrefetchAsync(PushContext ctx, IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken)
    {
        foreach (var (id, stored) in await ctx.Session.FindMutationsAsync(mutations.Select(m => m.Id).Distinct().ToList(), cancellationToken))
        {
            ctx.Stored[id] = stored;
        }

        var keys = new Dictionary<string, (TableDefinition Table, HashSet<Guid> Keys)>(StringComparer.Ordinal);
        void Want(string? tableName, string? key)
        {
            if (tableName is not null && ctx.Scope.TryGetTable(tableName, out var st) && st.Direction != SyncDirection.DownloadOnly && Guid.TryParse(key, out var k))
            {
                if (!keys.TryGetValue(tableName, out var entry))
                {
                    entry = (st.Table, []);
                    keys[tableName] = entry;
                }

                entry.Keys.Add(k);
            }
        }

        foreach (var m in mutations)
        {
            if (ctx.Stored.TryGetValue(m.Id, out var stored))
            {
                Want(stored.Table, stored.RowKey);
            }
            else
            {
                Want(m.Table, m.Key);
            }
        }

        foreach (var (table, wanted) in keys.Values)
        {
            var rows = await ctx.Session.ReadRowsForUpdateAsync(table, wanted, cancellationToken);
            foreach (var key in wanted)
            {
                ctx.Rows[(table.Name, key)] = rows.GetValueOrDefault(key);
            }
        }
    }

    /// <summary>
    /// One push's state besides the session: stored outcomes by mutation id (read up front, then added as this push saves
    /// them) and the rows it has read or written, which it holds locked, so the copies stay true until commit.
    /// </summary>
    private sealed record PushContext(SyncPrincipal Principal, ScopeDefinition Scope, ScopeParameters Parameters, IServerWriteSession Session)
    {
        public Dictionary<Guid, StoredMutation> Stored { get; } = [];

        public Dictionary<(string Table, Guid Key), StoredRow?> Rows { get; } = [];
    }

    private static async Task<StoredRow?> ReadRowAsync(PushContext ctx, TableDefinition table, Guid key, CancellationToken cancellationToken)
    {
        if (!ctx.Rows.TryGetValue((table.Name, key), out var row))
        {
            row = await ctx.Session.ReadRowForUpdateAsync(table, key, cancellationToken);
            ctx.Rows[(table.Name, key)] = row;
        }

        return row;
    }

    private async Task<MutationResult> ApplyOneAsync(PushContext ctx, Mutation m, CancellationToken cancellationToken)
    {
        var stored = ctx.Stored.GetValueOrDefault(m.Id);
        if (stored is not null)
        {
            if (stored.DeviceId != ctx.Principal.DeviceId)
            {
                return new MutationResult(m.Id, MutationStatus.Rejected, SyncErrorCodes.MutationIdReused, "This mutation id was already used by another device.", null);
            }

            RowState? replayRow = null;
            if (ctx.Scope.TryGetTable(stored.Table, out var replayTable) && Guid.TryParse(stored.RowKey, out var replayKey))
            {
                replayRow = await CurrentStateAsync(ctx, replayTable.Table, replayKey, includeValues: true, cancellationToken);
            }

            return new MutationResult(m.Id, stored.Status, stored.Code, stored.Message, replayRow);
        }

        await ctx.Session.SavepointAsync(cancellationToken);
        Outcome outcome;
        try
        {
            outcome = await DecideAndWriteAsync(ctx, m, cancellationToken);
            await ctx.Session.ReleaseSavepointAsync(cancellationToken);
        }
        catch (DbException ex)
        {
            await ctx.Session.RollbackToSavepointAsync(cancellationToken);
            await ctx.Session.ReleaseSavepointAsync(cancellationToken);
            outcome = Outcome.Reject(SyncErrorCodes.WriteFailed, "The database refused the change.", "database error: " + ex.Message);
        }

        var now = time.GetUtcNow();
        ctx.Scope.TryGetTable(m.Table ?? string.Empty, out var st);
        if (outcome.Ledger is { } ledger)
        {
            await ctx.Session.RecordConflictAsync(ledger with
            {
                Id = Guid.CreateVersion7(),
                CreatedAt = now,
                Scope = ctx.Scope.Name,
                DeviceId = ctx.Principal.DeviceId,
                UserId = ctx.Principal.UserId,
                MutationId = m.Id,
                Table = m.Table ?? string.Empty,
                RowKey = m.Key ?? string.Empty,
            }, cancellationToken);
        }

        var saved = new StoredMutation(m.Id, ctx.Principal.DeviceId, m.Table ?? string.Empty, m.Key ?? string.Empty, outcome.Status, outcome.Code, outcome.Message, now);
        await ctx.Session.SaveMutationAsync(saved, cancellationToken);
        ctx.Stored[m.Id] = saved;

        RowState? row = null;
        if (st is not null && Guid.TryParse(m.Key, out var key))
        {
            row = outcome.Forbidden
                ? new RowState(0, true, null)
                : await CurrentStateAsync(ctx, st.Table, key, includeValues: outcome.Status != MutationStatus.Applied, cancellationToken);
        }

        return new MutationResult(m.Id, outcome.Status, outcome.Code, outcome.Message, row);
    }

    private static async Task<RowState> CurrentStateAsync(PushContext ctx, TableDefinition table, Guid key, bool includeValues, CancellationToken cancellationToken)
    {
        var current = await ReadRowAsync(ctx, table, key, cancellationToken);
        if (current is null || current.Deleted || !ctx.Scope.TryGetTable(table.Name, out var st)
            || !FilterEvaluator.Matches(st.Filter, table, current.Values, ctx.Parameters))
        {
            return new RowState(current?.Version ?? 0, true, null);
        }

        return new RowState(current.Version, false, includeValues ? current.Values : null);
    }

    private sealed record Outcome(MutationStatus Status, string? Code, string? Message, ConflictRecord? Ledger, bool Forbidden = false)
    {
        public static Outcome Applied { get; } = new(MutationStatus.Applied, null, null, null);

        public static Outcome Reject(string code, string message, string? detail = null, string? deviceValues = null, string? serverValues = null, bool forbidden = false) =>
            new(MutationStatus.Rejected, code, message, Entry(ConflictKinds.Rejected, code, detail ?? message, null, null, null, deviceValues, serverValues, ConflictKinds.ResolutionRejected, ConflictKinds.StatusResolved), forbidden);
    }

    private static ConflictRecord Entry(string kind, string code, string detail, long? baseVersion, long? serverVersion, string? baseValues, string? deviceValues, string? serverValues, string resolution, string status) =>
        new(Guid.Empty, default, string.Empty, Guid.Empty, Guid.Empty, Guid.Empty, string.Empty, string.Empty, kind, code, detail, baseVersion, serverVersion, baseValues, deviceValues, serverValues, resolution, status);

    private async Task<Outcome> DecideAndWriteAsync(PushContext ctx, Mutation m, CancellationToken cancellationToken)
    {
        var rawDevice = m.Values is null ? null : JsonSerializer.Serialize(m.Values);
        if (string.IsNullOrEmpty(m.Table) || !ctx.Scope.TryGetTable(m.Table, out var st))
        {
            return Outcome.Reject(SyncErrorCodes.UnknownTable, $"Table '{m.Table}' is not part of scope '{ctx.Scope.Name}'.", deviceValues: rawDevice);
        }

        var table = st.Table;
        if (st.Direction == SyncDirection.DownloadOnly)
        {
            return Outcome.Reject(SyncErrorCodes.TableReadOnly, $"Table '{table.Name}' is download-only in scope '{ctx.Scope.Name}'.", deviceValues: rawDevice);
        }

        if (st.Direction == SyncDirection.UploadOnly && m.Operation != MutationOperation.Insert)
        {
            return Outcome.Reject(SyncErrorCodes.AppendOnly, $"Table '{table.Name}' only takes inserts.", deviceValues: rawDevice);
        }

        if (!Guid.TryParse(m.Key, out var key))
        {
            return Outcome.Reject(SyncErrorCodes.InvalidKey, $"Key '{m.Key}' is not a UUID.", deviceValues: rawDevice);
        }

        object?[]? newValues = null;
        if (m.Operation != MutationOperation.Delete)
        {
            var (values, error) = ReadFullRow(table, key, m.Values);
            if (error is not null)
            {
                return Outcome.Reject(error.Value.Code, error.Value.Message, deviceValues: rawDevice);
            }

            newValues = values;
        }

        var baseValues = new Dictionary<int, object?>();
        if (m.Base is not null)
        {
            foreach (var (name, json) in m.Base)
            {
                if (!table.TryGetOrdinal(name, out var o))
                {
                    return Outcome.Reject(SyncErrorCodes.UnknownColumn, $"Base column '{name}' is not a column of '{table.Name}'.", deviceValues: rawDevice);
                }

                if (!ValueCodec.TryFromJson(table.Columns[o], json, out var v))
                {
                    return Outcome.Reject(SyncErrorCodes.InvalidValue, $"Base value of '{name}' is not a valid {table.Columns[o].Type.ToString().ToLowerInvariant()}.", deviceValues: rawDevice);
                }

                baseValues[o] = v;
            }
        }

        List<int>? changed = null;
        if (m.Changed is not null)
        {
            changed = [];
            foreach (var name in m.Changed)
            {
                if (!table.TryGetOrdinal(name, out var o))
                {
                    return Outcome.Reject(SyncErrorCodes.UnknownColumn, $"Changed column '{name}' is not a column of '{table.Name}'.", deviceValues: rawDevice);
                }

                changed.Add(o);
            }
        }

        var current = await ReadRowAsync(ctx, table, key, cancellationToken);
        string? ServerJson() => current is null ? null : ValueCodec.ToJsonObject(table, table.Columns.Select((c, i) => KeyValuePair.Create(c.Name, current.Values[i])));
        string? BaseJson() => m.Base is null ? null : JsonSerializer.Serialize(m.Base);

        if (current is not null && !FilterEvaluator.Matches(st.Filter, table, current.Values, ctx.Parameters))
        {
            // Another principal's row: say nothing about it, change nothing.
            return Outcome.Reject(SyncErrorCodes.Forbidden, "This row is outside your data.", deviceValues: rawDevice, forbidden: true);
        }

        if (newValues is not null && !FilterEvaluator.Matches(st.Filter, table, newValues, ctx.Parameters))
        {
            return Outcome.Reject(SyncErrorCodes.Forbidden, "The changed row would be outside your data.", deviceValues: rawDevice, serverValues: ServerJson(), forbidden: current is null);
        }

        switch (m.Operation)
        {
            case MutationOperation.Insert when current is null:
                if (await ctx.Session.InsertNewAndReadAsync(table, key, newValues!, cancellationToken) is not { } inserted)
                {
                    // Read before this push locked anything, the key was free; another writer took it since. Decide
                    // again from the row as it is now, exactly as if it had been there when first read.
                    ctx.Rows.Remove((table.Name, key));
                    return await DecideAndWriteAsync(ctx, m, cancellationToken);
                }

                ctx.Rows[(table.Name, key)] = inserted;
                return Outcome.Applied;

            case MutationOperation.Insert when st.Direction == SyncDirection.UploadOnly:
                // Class C rows are inserted once by client id; a repeat is a no-op.
                return Outcome.Applied;

            case MutationOperation.Update when current is null:
                return Outcome.Reject(SyncErrorCodes.RowNotFound, "The row does not exist on the server.", deviceValues: rawDevice);

            case MutationOperation.Insert or MutationOperation.Update when current.Deleted:
                {
                    var kind = m.Operation == MutationOperation.Insert ? ConflictKinds.InsertInsert : ConflictKinds.UpdateDelete;
                    if (st.Policy == ConflictPolicy.ClientWins)
                    {
                        ctx.Rows[(table.Name, key)] = await ctx.Session.UpsertAndReadAsync(table, key, newValues!, cancellationToken);
                        return Conflict(kind, "The row had been deleted on the server; the device's edit brought it back.", ConflictKinds.ResolutionClientApplied, ConflictKinds.StatusResolved);
                    }

                    var manual = st.Policy == ConflictPolicy.Manual;
                    return Conflict(kind, "The row had been deleted on the server; the device's edit was not applied.", manual ? ConflictKinds.ResolutionPending : ConflictKinds.ResolutionServerKept, manual ? ConflictKinds.StatusOpen : ConflictKinds.StatusResolved);
                }

            case MutationOperation.Delete when current is null || current.Deleted:
                return Outcome.Applied;

            case MutationOperation.Delete:
                if (m.BaseVersion == current.Version || st.Policy == ConflictPolicy.ClientWins)
                {
                    ctx.Rows[(table.Name, key)] = await ctx.Session.DeleteAndReadAsync(table, key, time.GetUtcNow(), cancellationToken);
                    return m.BaseVersion == current.Version
                        ? Outcome.Applied
                        : Conflict(ConflictKinds.DeleteUpdate, "The row changed on the server after the device's base version; the device's delete was applied.", ConflictKinds.ResolutionClientApplied, ConflictKinds.StatusResolved);
                }

                {
                    var manual = st.Policy == ConflictPolicy.Manual;
                    return Conflict(ConflictKinds.DeleteUpdate, "The row changed on the server after the device's base version; it was kept.", manual ? ConflictKinds.ResolutionPending : ConflictKinds.ResolutionServerKept, manual ? ConflictKinds.StatusOpen : ConflictKinds.StatusResolved);
                }
        }

        // Insert over a live row, or update of a live row.
        System.Diagnostics.Debug.Assert(current is not null, "every absent-row case returned above");
        var candidates = changed ?? Enumerable.Range(0, table.Columns.Count).ToList();
        var differing = candidates.Where(o => !ValueCodec.AreEqual(table.Columns[o].Type, newValues![o], current.Values[o])).Distinct().ToList();
        var readOnly = differing.FirstOrDefault(o => st.ReadOnlyColumns.Contains(table.Columns[o].Name), -1);
        if (readOnly >= 0)
        {
            return Outcome.Reject(SyncErrorCodes.ReadOnlyColumn, $"Column '{table.Columns[readOnly].Name}' cannot be changed by a device.", deviceValues: rawDevice, serverValues: ServerJson());
        }

        if (differing.Count == 0)
        {
            return Outcome.Applied;
        }

        var noConflict = m.Operation == MutationOperation.Update && m.BaseVersion == current.Version;
        var apply = new List<int>();
        var kept = false;
        var keptManual = false;
        var overlap = false;
        foreach (var o in differing)
        {
            if (noConflict)
            {
                apply.Add(o);
                continue;
            }

            var serverChanged = m.Operation == MutationOperation.Insert || !baseValues.TryGetValue(o, out var b) || !ValueCodec.AreEqual(table.Columns[o].Type, b, current.Values[o]);
            var policy = serverChanged ? st.PolicyFor(table.Columns[o].Name) : st.Policy == ConflictPolicy.Merge ? ConflictPolicy.ClientWins : st.Policy;
            overlap |= serverChanged;
            switch (policy)
            {
                case ConflictPolicy.ClientWins: apply.Add(o); break;
                case ConflictPolicy.Manual: kept = true; keptManual = true; break;
                default: kept = true; break;
            }
        }

        if (apply.Count > 0)
        {
            var merged = (object?[])current.Values.Clone();
            foreach (var o in apply)
            {
                merged[o] = newValues![o];
            }

            if (!FilterEvaluator.Matches(st.Filter, table, merged, ctx.Parameters))
            {
                return Outcome.Reject(SyncErrorCodes.Forbidden, "The merged row would be outside your data.", deviceValues: rawDevice, serverValues: ServerJson());
            }

            ctx.Rows[(table.Name, key)] = await ctx.Session.UpdateAndReadAsync(table, key, apply, merged, cancellationToken);
        }

        if (noConflict)
        {
            return Outcome.Applied;
        }

        var conflictKind = m.Operation == MutationOperation.Insert ? ConflictKinds.InsertInsert : ConflictKinds.UpdateUpdate;
        if (!kept && !overlap)
        {
            return Conflict(conflictKind, "Edits to different columns were merged.", ConflictKinds.ResolutionMerged, ConflictKinds.StatusResolved, MutationStatus.Merged);
        }

        var resolution = keptManual ? ConflictKinds.ResolutionPending
            : apply.Count == 0 ? ConflictKinds.ResolutionServerKept
            : kept ? ConflictKinds.ResolutionPartial
            : ConflictKinds.ResolutionClientApplied;
        var columns = string.Join(", ", differing.Select(o => table.Columns[o].Name));
        return Conflict(conflictKind, $"The row changed on the server after the device's base version; columns {columns}: {resolution.Replace('_', ' ')}.", resolution, keptManual ? ConflictKinds.StatusOpen : ConflictKinds.StatusResolved);

        Outcome Conflict(string kind, string detail, string resolution, string status, MutationStatus result = MutationStatus.Conflict) =>
            new(result, kind, detail, Entry(kind, kind, detail, m.BaseVersion, current?.Version, BaseJson(), rawDevice, ServerJson(), resolution, status));
    }

    private static (object?[]? Values, (string Code, string Message)? Error) ReadFullRow(TableDefinition table, Guid key, IReadOnlyDictionary<string, JsonElement>? values)
    {
        if (values is null)
        {
            return (null, (SyncErrorCodes.MissingValue, "An insert or update carries the full row in 'values'."));
        }

        var row = new object?[table.Columns.Count];
        var seen = new bool[row.Length];
        foreach (var (name, json) in values)
        {
            if (!table.TryGetOrdinal(name, out var o))
            {
                return (null, (SyncErrorCodes.UnknownColumn, $"'{name}' is not a column of '{table.Name}'."));
            }

            var column = table.Columns[o];
            if (!ValueCodec.TryFromJson(column, json, out var v))
            {
                return (null, (SyncErrorCodes.InvalidValue, $"Value of '{name}' is not a valid {column.Type.ToString().ToLowerInvariant()}."));
            }

            row[o] = v;
            seen[o] = true;
        }

        if (!seen[table.KeyOrdinal])
        {
            row[table.KeyOrdinal] = key;
        }
        else if (!Equals(row[table.KeyOrdinal], key))
        {
            return (null, (SyncErrorCodes.InvalidKey, $"The row's '{table.Key}' differs from the mutation's key."));
        }

        for (var i = 0; i < row.Length; i++)
        {
            if (row[i] is null && !table.Columns[i].Nullable)
            {
                return (null, (SyncErrorCodes.MissingValue, $"Column '{table.Columns[i].Name}' needs a value."));
            }
        }

        return (row, null);
    }

    /// <summary>Serves one page of changes for the principal's view of the scope, starting at (or resuming) a cursor.</summary>
    public Task<PullResponse> PullAsync(SyncPrincipal principal, string scopeName, int scopeVersion, string? cursorToken, CancellationToken cancellationToken) =>
        PullAsync(principal, scopeName, scopeVersion, cursorToken, null, cancellationToken);

    /// <summary>
    /// Serves one page as <see cref="PullAsync(SyncPrincipal, string, int, string?, CancellationToken)"/> does, for a
    /// caller that writes it as JSON (<see cref="PullPageJson"/>) and drops it: text and JSON values may come as
    /// <see cref="Utf8Text"/> held in <paramref name="text"/>, readable until the caller disposes it. Same page, same JSON.
    /// </summary>
    public async Task<PullResponse> PullAsync(SyncPrincipal principal, string scopeName, int scopeVersion, string? cursorToken, Utf8TextBuffer? text, CancellationToken cancellationToken)
    {
        var scope = ResolveScope(principal, scopeName, scopeVersion);
        SyncCursor cursor;
        if (string.IsNullOrEmpty(cursorToken))
        {
            var p = await resolver.ResolveAsync(principal, cancellationToken);
            cursor = new SyncCursor(scope.Name, scope.Version, principal.DeviceId, null, await store.GetWatermarkAsync(cancellationToken), p.ToJson(), null, PullPhase.Delta, 0, 0, string.Empty);
        }
        else
        {
            var c = protector.Unprotect(cursorToken);
            if (c.DeviceId == Guid.Empty && c.To is null)
            {
                // A snapshot's cursor (BeginSnapshotAsync): device-less at rest, it becomes this device's on first use.
                // The reconciling phases then take the device from the snapshot's parameters to its own.
                c = c with { DeviceId = principal.DeviceId };
            }

            if (c.Scope != scope.Name || c.ScopeVersion != scope.Version || c.DeviceId != principal.DeviceId)
            {
                throw new SyncProtocolException(SyncErrorCodes.CursorMismatch, "The cursor belongs to another device, scope or scope version; start again without a cursor.");
            }

            if ((c.From is not null && !store.IsWellFormedWatermark(c.From)) || (c.To is not null && !store.IsWellFormedWatermark(c.To)))
            {
                throw new SyncProtocolException(SyncErrorCodes.CursorInvalid, "The cursor is not valid for this server.");
            }

            if (c.From is not null && await store.IsExpiredAsync(c.From, cancellationToken))
            {
                throw new SyncProtocolException(SyncErrorCodes.CursorExpired, $"The device has been away longer than the {options.TombstoneRetention.TotalDays:0}-day retention; run a replacement sync (pull without a cursor, keeping local changes).");
            }

            if (c.To is null)
            {
                var p = (await resolver.ResolveAsync(principal, cancellationToken)).ToJson();
                cursor = c with
                {
                    To = await store.GetWatermarkAsync(cancellationToken),
                    Parameters = p,
                    PreviousParameters = p == c.Parameters ? null : c.Parameters,
                    Phase = PullPhase.Delta,
                    TableIndex = 0,
                    AfterVersion = 0,
                    AfterKey = string.Empty,
                };
            }
            else
            {
                cursor = c;
            }
        }

        var tables = scope.PulledTables.ToList();
        var parameters = ScopeParameters.FromJson(cursor.Parameters);
        var previous = cursor.PreviousParameters is null ? null : ScopeParameters.FromJson(cursor.PreviousParameters);
        var changes = new List<TableChanges>();
        var rowCount = 0;
        var bytes = 0;
        var full = false;
        while (cursor.Phase != PullPhase.Done && !full)
        {
            if (cursor.TableIndex >= tables.Count || !PhaseApplies(cursor.Phase, cursor))
            {
                cursor = cursor with { Phase = cursor.Phase + 1, TableIndex = 0, AfterVersion = 0, AfterKey = string.Empty };
                continue;
            }

            var st = tables[cursor.TableIndex];
            // Read about as many rows as the byte budget still holds: reading the row budget and discarding what does
            // not fit read every row several times (measured with kheti bench).
            var remaining = options.PageMaxRows - rowCount;
            var limit = rowCount == 0
                ? Math.Min(remaining, 256)
                : (int)Math.Clamp(((long)(options.PageMaxBytes - bytes) * rowCount / Math.Max(1, bytes)) + 1, 1, remaining);
            var rows = await store.ReadChangesAsync(new ChangeQuery(st, cursor.Phase, parameters, previous, cursor.From, cursor.To!, cursor.AfterVersion, cursor.AfterKey, limit, text), cancellationToken);
            TableChanges? tc = changes.Count > 0 && changes[^1].Table == st.Name ? changes[^1] : null;
            var consumed = 0;
            ChangeRow? last = null;
            foreach (var row in rows)
            {
                if (tc is null)
                {
                    tc = new TableChanges(st.Name, st.Table.Columns.Select(c => c.Name).ToArray());
                    changes.Add(tc);
                }

                if (row.Deleted || row.Values is null)
                {
                    tc.Deletes.Add(row.Key);
                    bytes += 40;
                }
                else
                {
                    tc.Upserts.Add(new PulledRow(row.Version, row.Values));
                    bytes += 12 + row.Values.Sum(ValueCodec.EstimateSize);
                }

                rowCount++;
                consumed++;
                last = row;
                if (bytes >= options.PageMaxBytes || rowCount >= options.PageMaxRows)
                {
                    full = true;
                    break;
                }
            }

            // The position moves once per read, not once per row (a new cursor record for every row was measurable).
            if (last is not null)
            {
                cursor = cursor with { AfterVersion = last.Version, AfterKey = last.Key };
            }

            if (consumed == rows.Count && rows.Count < limit)
            {
                cursor = cursor with { TableIndex = cursor.TableIndex + 1, AfterVersion = 0, AfterKey = string.Empty };
            }
        }

        // A page can fill exactly at the end of the last table; walk past empty remainders cheaply next time.
        var done = cursor.Phase == PullPhase.Done;
        var next = done
            ? cursor with { From = cursor.To, To = null, PreviousParameters = null, Phase = PullPhase.Delta, TableIndex = 0, AfterVersion = 0, AfterKey = string.Empty }
            : cursor;
        return new PullResponse(changes, protector.Protect(next), !done);
    }

    /// <summary>
    /// Starts a snapshot: a pull for <paramref name="parameters"/> (no device) of everything visible at the current
    /// watermark. Pass the returned cursor to <see cref="PullAsync(SyncPrincipal, string, int, string?, CancellationToken)"/> with <see cref="SnapshotPrincipal"/> until no page
    /// is left; the last page's cursor is at rest and device-less, and any device of the scope may continue from it.
    /// </summary>
    public async Task<string> BeginSnapshotAsync(ScopeDefinition scope, ScopeParameters parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(parameters);
        var watermark = await store.GetWatermarkAsync(cancellationToken);
        return protector.Protect(new SyncCursor(scope.Name, scope.Version, Guid.Empty, null, watermark, parameters.ToJson(), null, PullPhase.Delta, 0, 0, string.Empty));
    }

    /// <summary>The device-less principal a snapshot of <paramref name="scope"/> is pulled as.</summary>
    public static SyncPrincipal SnapshotPrincipal(ScopeDefinition scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new SyncPrincipal(Guid.Empty, scope.Role ?? string.Empty, Guid.Empty, null);
    }

    private static bool PhaseApplies(PullPhase phase, SyncCursor cursor) => phase switch
    {
        PullPhase.Delta => true,
        PullPhase.MovedOut => cursor.From is not null,
        _ => cursor.From is not null && cursor.PreviousParameters is not null,
    };

    /// <summary>Purges tombstones and move records older than the retention period.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken) =>
        store.PurgeAsync(time.GetUtcNow() - options.TombstoneRetention, cancellationToken);
}
