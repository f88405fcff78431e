using KhetiSahayak.Advisories.Reference;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// Bulk import of advisories from JSON or CSV, shared by the CLI and the REST endpoint. Input is streamed; each record
/// is validated and either reported or written whole (advisory row and all its translation rows) in batched write
/// sessions, so change tracking stamps every row and devices receive exactly what changed.
/// </summary>
/// <remarks>
/// Idempotent: a record already stored with the same version and content is not written at all (no stamp moves, no
/// device downloads it again). A higher version supersedes the stored one: changed rows are rewritten, translations it
/// no longer has are deleted. A lower version, or the same version with different content, is rejected. The same
/// version differing only in status (published → withdrawn, or expired by time) is applied as a status change.
/// </remarks>
public sealed class AdvisoryImporter
{
    private readonly IServerStore _store;
    private readonly AdvisoryTables _tables;
    private readonly LgdDirectory _lgd;
    private readonly CropCatalog _crops;
    private readonly TimeProvider _time;
    private readonly AdvisoryImportOptions _options;

    public AdvisoryImporter(IServerStore store, TableCatalog catalog, LgdDirectory lgd, CropCatalog crops, TimeProvider time, AdvisoryImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(lgd);
        ArgumentNullException.ThrowIfNull(crops);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _tables = new AdvisoryTables(catalog);
        _lgd = lgd;
        _crops = crops;
        _time = time;
        _options = options ?? new AdvisoryImportOptions();
    }

    /// <summary>Records read between progress reports, whatever the batch size.</summary>
    private const int ProgressEvery = 500;

    private enum Plan
    {
        Insert,
        Update,
        StatusChange,
        Unchanged,
        Stale,
        Conflict,
    }

    /// <summary>The format of a file by its extension (<c>.json</c>, <c>.csv</c>), or null.</summary>
    public static AdvisoryInputFormat? FormatOf(string fileName) => Path.GetExtension(fileName).ToUpperInvariant() switch
    {
        ".JSON" => AdvisoryInputFormat.Json,
        ".CSV" => AdvisoryInputFormat.Csv,
        _ => null,
    };

    /// <summary>
    /// Imports every record of <paramref name="input"/>. Cancelling stops between batches; batches already committed stay
    /// (a re-import picks up where it stopped, since unchanged records are skipped).
    /// </summary>
    /// <remarks>
    /// Records are validated as they stream in and handed to the store <see cref="AdvisoryImportOptions.BatchSize"/> at
    /// a time; while batches are planned and written, the next is read and validated. On a store whose write sessions
    /// run side by side (<see cref="IServerStore.ConcurrentWriteSessions"/>), up to
    /// <see cref="AdvisoryImportOptions.WriteConcurrency"/> batches that share no advisory are written at once, each in
    /// its own transaction; otherwise one at a time. Counts and issues are taken in input order.
    /// </remarks>
    public async Task<AdvisoryImportSummary> ImportAsync(Stream input, AdvisoryInputFormat format, IProgress<AdvisoryImportProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        IAdvisorySourceReader reader = format switch
        {
            AdvisoryInputFormat.Json => new JsonAdvisoryReader(input),
            AdvisoryInputFormat.Csv => new CsvAdvisoryReader(input, _options.MaxFieldLength),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        var run = new Run(_options.MaxReportedIssues);
        var validator = new AdvisoryValidator(_lgd, _crops, _options);
        var now = _time.GetUtcNow();
        var writers = _store.ConcurrentWriteSessions ? _options.WriteConcurrency : 1;
        var batch = new List<Pending>(_options.BatchSize);
        var batchIds = new HashSet<Guid>();
        var writing = new Queue<(Task<Outcome> Task, HashSet<Guid> Ids)>();
        Task? planning = null;
        var recordIssues = new List<AdvisoryImportIssue>();

        // The oldest batch still being written is finished: its counts and issues join the run, in input order.
        async Task FinishOldestAsync()
        {
            var outcome = await writing.Peek().Task;
            writing.Dequeue();
            run.Apply(outcome);
        }

        // The batch being filled goes to the store. A record must see every earlier one, so it waits for the batches
        // being written that share an advisory with it; then its planning reads start, alongside the other batches'
        // writes (nothing they write can change their answer); its own writes start once fewer than `writers` batches
        // are being written (one write session each, on its own connection).
        async Task HandOffAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            var full = batch;
            var ids = batchIds;
            batch = new List<Pending>(_options.BatchSize);
            batchIds = new HashSet<Guid>();
            while (writing.Count > 0 && writing.Any(w => w.Ids.Overlaps(ids)))
            {
                await FinishOldestAsync();
            }

            planning = Task.Run(() => PlanAsync(full, run, now, cancellationToken), cancellationToken);
            while (writing.Count >= writers)
            {
                await FinishOldestAsync();
            }

            var planned = planning;
            planning = null;
            writing.Enqueue((Task.Run(() => FlushAsync(full, planned, run, now, cancellationToken), cancellationToken), ids));
        }

        try
        {
            await foreach (var source in reader.ReadAsync(cancellationToken))
            {
                run.Read++;
                recordIssues.Clear();
                var valid = validator.Validate(source, recordIssues);
                run.AddRange(recordIssues);
                if (valid is null)
                {
                    run.Rejected++;
                }
                else
                {
                    // A second record of the same advisory must see the first one's rows, so the batch goes first.
                    if (batchIds.Contains(valid.AdvisoryId))
                    {
                        await HandOffAsync();
                    }

                    batchIds.Add(valid.AdvisoryId);
                    batch.Add(new Pending(valid));
                    if (batch.Count >= _options.BatchSize)
                    {
                        await HandOffAsync();
                        progress?.Report(run.Progress);
                    }
                }

                if (run.Read % ProgressEvery == 0)
                {
                    progress?.Report(run.Progress);
                }
            }

            await HandOffAsync();
            while (writing.Count > 0)
            {
                await FinishOldestAsync();
            }
        }
        catch when (writing.Count > 0 || planning is not null)
        {
            // Never leave a batch writing or planning behind the caller's back; the first failure is the one reported.
            var running = Task.WhenAll(writing.Select(w => (Task)w.Task).Append(planning ?? Task.CompletedTask));
            await Task.WhenAny(running);
            _ = running.Exception;
            throw;
        }

        run.AddRange(reader.FileIssues);
        progress?.Report(run.Progress);
        return run.Summary(format, _options.DryRun, reader.Aborted);
    }

    /// <summary>
    /// Plans and writes one batch, set-based: one read of the stored advisories and one of their translations for the
    /// whole batch; then, if anything changes, one write session. A batch of advisories none of which is stored goes in
    /// as new rows (<see cref="TryInsertAllNewAsync"/>); any other, or one that finds a key stored after all, locks the
    /// advisories it writes (one statement), re-plans those someone else wrote meanwhile, and hands every row to the
    /// store's bulk path (<see cref="WriteLockedAsync"/>).
    /// </summary>
    private async Task<Outcome> FlushAsync(List<Pending> batch, Task planning, Run run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await planning;
        var outcome = new Outcome();
        var writers = batch.Where(p => Writes(p.Plan)).ToList();
        if (!_options.DryRun && writers.Count > 0)
        {
            await using var session = await _store.BeginWriteAsync(cancellationToken);
            if (!await TryInsertAllNewAsync(session, writers, now, outcome, cancellationToken))
            {
                run.AllNewLately = false;
                await WriteLockedAsync(session, writers, now, outcome, cancellationToken);
            }

            await session.CommitAsync(cancellationToken);
        }

        foreach (var p in batch)
        {
            switch (p.Plan)
            {
                case Plan.Insert:
                    outcome.Inserted++;
                    break;
                case Plan.Update:
                case Plan.StatusChange:
                    outcome.Updated++;
                    break;
                case Plan.Unchanged:
                    outcome.Unchanged++;
                    break;
                case Plan.Stale:
                    outcome.Issues.Add(Issue(p, AdvisoryImportReasons.StaleVersion,
                        $"the store has version {StoredVersion(p)} of advisory {p.Doc.AdvisoryId}; version {p.Doc.Version} is older and was not imported"));
                    break;
                case Plan.Conflict:
                    outcome.Issues.Add(Issue(p, AdvisoryImportReasons.VersionConflict,
                        $"version {p.Doc.Version} of advisory {p.Doc.AdvisoryId} is already stored with different content; raise the version to change it (CSV rows of one advisory must be adjacent)"));
                    break;
            }
        }

        return outcome;
    }

    /// <summary>
    /// A batch whose planning read found none of its advisories (the usual first import) goes in whole as new rows,
    /// without the locked read: that read would find nothing to lock, and costs PostgreSQL an index probe per advisory
    /// (a tenth to a fifth of its CPU in a 100,000-advisory import). The store's unique keys check instead. False,
    /// having written nothing, when some key is stored after all: an advisory written since the planning read, or a
    /// tombstone (which the planning read does not return); the batch then takes <see cref="WriteLockedAsync"/>.
    /// </summary>
    private async Task<bool> TryInsertAllNewAsync(IServerWriteSession session, List<Pending> writers, DateTimeOffset now, Outcome outcome, CancellationToken cancellationToken)
    {
        if (!writers.TrueForAll(p => p.Stored is null && p.StoredTranslations.Count == 0))
        {
            return false;
        }

        var advisories = new List<object?[]>(writers.Count);
        var translations = new List<object?[]>(writers.Count * 2);
        var gone = new List<Guid>();
        foreach (var p in writers)
        {
            Rows(p, now, advisories, translations, gone);
        }

        if (!await session.TryInsertAllNewAsync([new NewRows(_tables.Advisory, advisories), new NewRows(_tables.Translation, translations)], cancellationToken))
        {
            return false;
        }

        outcome.TranslationsWritten = translations.Count;
        return true;
    }

    /// <summary>
    /// Writes a batch under row locks: locks the advisories it writes (one statement), re-plans those someone else
    /// wrote since the planning read, and hands every row to the store's bulk path.
    /// </summary>
    private async Task WriteLockedAsync(IServerWriteSession session, List<Pending> writers, DateTimeOffset now, Outcome outcome, CancellationToken cancellationToken)
    {
        var locked = await session.ReadRowsForUpdateAsync(_tables.Advisory, writers.Select(p => p.Doc.AdvisoryId).ToArray(), cancellationToken);
        var live = locked.Where(r => !r.Value.Deleted).ToDictionary(r => r.Key, r => r.Value);

        // Someone wrote these since we looked: plan them again from what is stored now.
        var moved = writers.Where(p => live.GetValueOrDefault(p.Doc.AdvisoryId)?.Version != p.Stored?.Version).ToList();
        if (moved.Count > 0)
        {
            foreach (var p in moved)
            {
                p.Stored = live.GetValueOrDefault(p.Doc.AdvisoryId);
            }

            await LoadTranslationsAsync(moved, cancellationToken);
            foreach (var p in moved)
            {
                p.Plan = PlanFor(p, now);
            }

            writers.RemoveAll(p => !Writes(p.Plan));
        }

        // Rows of advisories that neither read found (not even as a tombstone, which the locked read returns) go
        // to the store as believed new, so it need not look their keys up again; it still copes if one is stored.
        var newAdvisories = new List<object?[]>(writers.Count);
        var newTranslations = new List<object?[]>(writers.Count * 2);
        var advisories = new List<object?[]>();
        var translations = new List<object?[]>();
        var gone = new List<Guid>();
        foreach (var p in writers)
        {
            var isNew = p.Stored is null && p.StoredTranslations.Count == 0 && !locked.ContainsKey(p.Doc.AdvisoryId);
            Rows(p, now, isNew ? newAdvisories : advisories, isNew ? newTranslations : translations, gone);
        }

        await session.InsertNewManyAsync(_tables.Advisory, newAdvisories, cancellationToken);
        await session.UpsertManyAsync(_tables.Advisory, advisories, cancellationToken);
        await session.InsertNewManyAsync(_tables.Translation, newTranslations, cancellationToken);
        await session.UpsertManyAsync(_tables.Translation, translations, cancellationToken);

        // Tombstones, so devices that hold these translations delete them.
        await session.DeleteManyAsync(_tables.Translation, gone, now, cancellationToken);
        outcome.TranslationsWritten = newTranslations.Count + translations.Count;
        outcome.TranslationsDeleted = gone.Count;
    }

    /// <summary>
    /// Plans a batch against committed state without a transaction (two set reads): a batch with nothing new opens no
    /// write session at all.
    /// </summary>
    /// <remarks>
    /// While the last batch planned by reading found nothing stored (a first import), a batch skips the reads and is
    /// planned as all new: its write finds out for itself (<see cref="TryInsertAllNewAsync"/>), and should some
    /// advisory be stored after all, the batch is planned again from its locked read, as if that advisory had been
    /// written since a planning read. The reads would find nothing, yet cost PostgreSQL an index probe per advisory.
    /// A write that finds a key stored brings the reads back until a batch plans all new again. A dry run always reads.
    /// </remarks>
    private async Task PlanAsync(List<Pending> batch, Run run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (run.AllNewLately && !_options.DryRun)
        {
            foreach (var p in batch)
            {
                p.Plan = Plan.Insert;
            }

            return;
        }

        await LoadStoredAsync(batch, cancellationToken);
        foreach (var p in batch)
        {
            p.Plan = PlanFor(p, now);
        }

        run.AllNewLately = batch.TrueForAll(p => p.Stored is null && p.StoredTranslations.Count == 0);
    }

    private static bool Writes(Plan plan) => plan is Plan.Insert or Plan.Update or Plan.StatusChange;

    private long StoredVersion(Pending p) => (long)p.Stored!.Values[_tables.AdvisoryVersion]!;

    private static AdvisoryImportIssue Issue(Pending p, string code, string message) =>
        new(p.Doc.Record, p.Doc.Row, p.Doc.AdvisoryId.ToString(), "version", code, message);

    /// <summary>The stored advisory and translations of every record of the batch, in two queries.</summary>
    private async Task LoadStoredAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Select(p => p.Doc.AdvisoryId).ToArray();
        var stored = (await _store.ReadRowsInAsync(_tables.Advisory, "advisory_id", ids, cancellationToken))
            .ToDictionary(r => (Guid)r.Values[_tables.Advisory.KeyOrdinal]!);
        foreach (var p in batch)
        {
            p.Stored = stored.GetValueOrDefault(p.Doc.AdvisoryId);
        }

        await LoadTranslationsAsync(batch, cancellationToken);
    }

    private async Task LoadTranslationsAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        var withStored = batch.Where(p => p.Stored is not null).Select(p => p.Doc.AdvisoryId).ToArray();
        var advisoryOrdinal = _tables.Translation.Ordinal("advisory_id");
        var byAdvisory = (await _store.ReadRowsInAsync(_tables.Translation, "advisory_id", withStored, cancellationToken))
            .ToLookup(r => (Guid)r.Values[advisoryOrdinal]!);
        foreach (var p in batch)
        {
            p.StoredTranslations = p.Stored is null ? [] : byAdvisory[p.Doc.AdvisoryId].ToList();
        }
    }

    private Plan PlanFor(Pending p, DateTimeOffset now)
    {
        if (p.Stored is null)
        {
            return Plan.Insert;
        }

        var storedVersion = StoredVersion(p);
        if (p.Doc.Version != storedVersion)
        {
            return p.Doc.Version > storedVersion ? Plan.Update : Plan.Stale;
        }

        var status = AdvisoryStatus.Effective(p.Doc.Status, p.Doc.ValidTo, now);
        var advisory = _tables.AdvisoryRow(p.Doc, status, p.Stored.Values);
        if (!_tables.SameAdvisory(advisory, p.Stored.Values, ignoreStatus: true) || p.StoredTranslations.Count != p.Doc.Translations.Count)
        {
            return Plan.Conflict;
        }

        var sameStatus = Equals(p.Stored.Values[_tables.AdvisoryStatus], status);
        var stored = ByLanguage(p.StoredTranslations);
        foreach (var t in p.Doc.Translations)
        {
            if (!stored.TryGetValue(t.Lang, out var row))
            {
                return Plan.Conflict;
            }

            var desired = _tables.TranslationRow(p.Doc, t, (Guid)row.Values[_tables.Translation.KeyOrdinal]!, status, row.Values);
            if (!_tables.SameTranslation(desired, row.Values, ignoreStatus: true))
            {
                return Plan.Conflict;
            }

            sameStatus &= Equals(row.Values[_tables.TranslationStatus], status);
        }

        return sameStatus ? Plan.Unchanged : Plan.StatusChange;
    }

    /// <summary>The rows of one record that differ from what is stored, and the translations it no longer has.</summary>
    private void Rows(Pending p, DateTimeOffset now, List<object?[]> advisories, List<object?[]> translations, List<Guid> gone)
    {
        var status = AdvisoryStatus.Effective(p.Doc.Status, p.Doc.ValidTo, now);
        var advisory = _tables.AdvisoryRow(p.Doc, status, p.Stored?.Values);
        if (p.Stored is null || !_tables.SameAdvisory(advisory, p.Stored.Values, ignoreStatus: false))
        {
            advisories.Add(advisory);
        }

        if (p.Stored is null && p.StoredTranslations.Count == 0)
        {
            // A new advisory (the common case of a first import): every row is written, nothing is compared or deleted.
            foreach (var t in p.Doc.Translations)
            {
                translations.Add(_tables.TranslationRow(p.Doc, t, TranslationIds.For(p.Doc.AdvisoryId, t.Lang), status, null));
            }

            return;
        }

        // A stored translation keeps its id, whichever scheme issued it; a new language gets one from TranslationIds.
        var stored = ByLanguage(p.StoredTranslations);
        var keep = new HashSet<Guid>();
        foreach (var t in p.Doc.Translations)
        {
            var current = stored.GetValueOrDefault(t.Lang);
            var id = current is null ? TranslationIds.For(p.Doc.AdvisoryId, t.Lang) : (Guid)current.Values[_tables.Translation.KeyOrdinal]!;
            keep.Add(id);
            var row = _tables.TranslationRow(p.Doc, t, id, status, current?.Values);
            if (current is null || !_tables.SameTranslation(row, current.Values, ignoreStatus: false))
            {
                translations.Add(row);
            }
        }

        gone.AddRange(p.StoredTranslations.Select(r => (Guid)r.Values[_tables.Translation.KeyOrdinal]!).Where(k => !keep.Contains(k)));
    }

    /// <summary>
    /// An advisory's stored translations by language, ignoring case as translation ids do. Rows are matched by language,
    /// not by the id <see cref="TranslationIds.For"/> gives now, so rows stored under earlier ids (UUIDv5) are updated in
    /// place. Should a language be stored twice, the row of the lowest key stands and <see cref="Rows"/> deletes the other.
    /// </summary>
    private Dictionary<string, StoredRow> ByLanguage(List<StoredRow> rows)
    {
        var lang = _tables.Translation.Ordinal("lang");
        var byLanguage = new Dictionary<string, StoredRow>(rows.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows.OrderBy(r => (Guid)r.Values[_tables.Translation.KeyOrdinal]!))
        {
            byLanguage.TryAdd((string)row.Values[lang]!, row);
        }

        return byLanguage;
    }

    private sealed class Pending(ValidAdvisory doc)
    {
        public ValidAdvisory Doc { get; } = doc;

        public StoredRow? Stored { get; set; }

        public List<StoredRow> StoredTranslations { get; set; } = [];

        public Plan Plan { get; set; }
    }

    /// <summary>What one batch did; applied to the run's counts once the batch is done.</summary>
    private sealed class Outcome
    {
        public long Inserted { get; set; }

        public long Updated { get; set; }

        public long Unchanged { get; set; }

        public long TranslationsWritten { get; set; }

        public long TranslationsDeleted { get; set; }

        public List<AdvisoryImportIssue> Issues { get; } = [];
    }

    /// <summary>Counts and issues of one import call.</summary>
    private sealed class Run(int maxIssues)
    {
        private readonly List<AdvisoryImportIssue> _issues = [];
        private bool _truncated;
        private bool _allNewLately;

        /// <summary>
        /// True while the last batch planned by reading found nothing stored and no write since has found a key stored:
        /// the next batch skips its planning reads (see <see cref="PlanAsync"/>). Set by the planning and writing tasks.
        /// </summary>
        public bool AllNewLately
        {
            get => Volatile.Read(ref _allNewLately);
            set => Volatile.Write(ref _allNewLately, value);
        }

        public long Read { get; set; }

        public long Inserted { get; set; }

        public long Updated { get; set; }

        public long Unchanged { get; set; }

        public long Rejected { get; set; }

        public long TranslationsWritten { get; set; }

        public long TranslationsDeleted { get; set; }

        public long Errors { get; private set; }

        public long Warnings { get; private set; }

        public AdvisoryImportProgress Progress => new(Read, Inserted + Updated, Unchanged, Rejected);

        public void Apply(Outcome outcome)
        {
            Inserted += outcome.Inserted;
            Updated += outcome.Updated;
            Unchanged += outcome.Unchanged;
            Rejected += outcome.Issues.Count;
            TranslationsWritten += outcome.TranslationsWritten;
            TranslationsDeleted += outcome.TranslationsDeleted;
            AddRange(outcome.Issues);
        }

        public void Add(AdvisoryImportIssue issue)
        {
            if (issue.Severity == AdvisoryImportIssueSeverity.Error)
            {
                Errors++;
            }
            else
            {
                Warnings++;
            }

            if (_issues.Count < maxIssues)
            {
                _issues.Add(issue);
            }
            else
            {
                _truncated = true;
            }
        }

        public void AddRange(IEnumerable<AdvisoryImportIssue> issues)
        {
            foreach (var issue in issues)
            {
                Add(issue);
            }
        }

        public AdvisoryImportSummary Summary(AdvisoryInputFormat format, bool dryRun, bool aborted) => new()
        {
            Format = format,
            DryRun = dryRun,
            Aborted = aborted,
            Read = Read,
            Inserted = Inserted,
            Updated = Updated,
            Unchanged = Unchanged,
            Rejected = Rejected,
            TranslationsWritten = TranslationsWritten,
            TranslationsDeleted = TranslationsDeleted,
            Errors = Errors,
            Warnings = Warnings,

            // Issues found when a batch is written come after later records' validation issues: restore input order.
            Issues = _issues.OrderBy(i => i.Record).ThenBy(i => i.Row ?? 0).ToArray(),
            IssuesTruncated = _truncated,
        };
    }
}
