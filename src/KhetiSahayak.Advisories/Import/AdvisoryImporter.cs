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
        var batch = new List<Pending>(_options.BatchSize);
        var batchIds = new HashSet<Guid>();
        var recordIssues = new List<AdvisoryImportIssue>();

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
                if (!batchIds.Add(valid.AdvisoryId))
                {
                    await FlushAsync(batch, run, now, cancellationToken);
                    batchIds.Clear();
                    batchIds.Add(valid.AdvisoryId);
                }

                batch.Add(new Pending(valid));
                if (batch.Count >= _options.BatchSize)
                {
                    await FlushAsync(batch, run, now, cancellationToken);
                    batchIds.Clear();
                    progress?.Report(run.Progress);
                }
            }

            if (run.Read % _options.BatchSize == 0)
            {
                progress?.Report(run.Progress);
            }
        }

        await FlushAsync(batch, run, now, cancellationToken);
        run.AddRange(reader.FileIssues);
        progress?.Report(run.Progress);
        return run.Summary(format, _options.DryRun, reader.Aborted);
    }

    private async Task FlushAsync(List<Pending> batch, Run run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        // Plan against committed state without a transaction: a batch with nothing new opens no write session at all.
        foreach (var p in batch)
        {
            await LoadStoredAsync(p, stored: null, readAdvisory: true, cancellationToken);
            p.Plan = PlanFor(p, now);
        }

        long written = 0, deleted = 0;
        if (!_options.DryRun && batch.Any(p => Writes(p.Plan)))
        {
            await using var session = await _store.BeginWriteAsync(cancellationToken);
            foreach (var p in batch.Where(p => Writes(p.Plan)))
            {
                // Lock the advisory, and plan again if someone wrote it since we looked.
                var locked = await session.ReadRowForUpdateAsync(_tables.Advisory, p.Doc.AdvisoryId, cancellationToken);
                var live = locked is { Deleted: false } ? locked : null;
                if (live?.Version != p.Stored?.Version)
                {
                    await LoadStoredAsync(p, live, readAdvisory: false, cancellationToken);
                    p.Plan = PlanFor(p, now);
                    if (!Writes(p.Plan))
                    {
                        continue;
                    }
                }

                var (w, d) = await WriteAsync(session, p, now, cancellationToken);
                written += w;
                deleted += d;
            }

            await session.CommitAsync(cancellationToken);
        }

        run.TranslationsWritten += written;
        run.TranslationsDeleted += deleted;
        foreach (var p in batch)
        {
            switch (p.Plan)
            {
                case Plan.Insert:
                    run.Inserted++;
                    break;
                case Plan.Update:
                case Plan.StatusChange:
                    run.Updated++;
                    break;
                case Plan.Unchanged:
                    run.Unchanged++;
                    break;
                case Plan.Stale:
                    run.Rejected++;
                    run.Add(Issue(p, AdvisoryImportReasons.StaleVersion,
                        $"the store has version {StoredVersion(p)} of advisory {p.Doc.AdvisoryId}; version {p.Doc.Version} is older and was not imported"));
                    break;
                case Plan.Conflict:
                    run.Rejected++;
                    run.Add(Issue(p, AdvisoryImportReasons.VersionConflict,
                        $"version {p.Doc.Version} of advisory {p.Doc.AdvisoryId} is already stored with different content; raise the version to change it (CSV rows of one advisory must be adjacent)"));
                    break;
            }
        }

        batch.Clear();
    }

    private static bool Writes(Plan plan) => plan is Plan.Insert or Plan.Update or Plan.StatusChange;

    private long StoredVersion(Pending p) => (long)p.Stored!.Values[_tables.AdvisoryVersion]!;

    private static AdvisoryImportIssue Issue(Pending p, string code, string message) =>
        new(p.Doc.Record, p.Doc.Row, p.Doc.AdvisoryId.ToString(), "version", code, message);

    private async Task LoadStoredAsync(Pending p, StoredRow? stored, bool readAdvisory, CancellationToken cancellationToken)
    {
        if (readAdvisory)
        {
            var rows = await _store.ReadRowsAsync(_tables.Advisory, "advisory_id", p.Doc.AdvisoryId, cancellationToken);
            stored = rows.Count > 0 ? rows[0] : null;
        }

        p.Stored = stored;
        p.StoredTranslations = stored is null ? [] : await _store.ReadRowsAsync(_tables.Translation, "advisory_id", p.Doc.AdvisoryId, cancellationToken);
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
        var stored = p.StoredTranslations.ToDictionary(r => (Guid)r.Values[_tables.Translation.KeyOrdinal]!);
        foreach (var t in p.Doc.Translations)
        {
            if (!stored.TryGetValue(TranslationIds.For(p.Doc.AdvisoryId, t.Lang), out var row))
            {
                return Plan.Conflict;
            }

            var desired = _tables.TranslationRow(p.Doc, t, status, row.Values);
            if (!_tables.SameTranslation(desired, row.Values, ignoreStatus: true))
            {
                return Plan.Conflict;
            }

            sameStatus &= Equals(row.Values[_tables.TranslationStatus], status);
        }

        return sameStatus ? Plan.Unchanged : Plan.StatusChange;
    }

    /// <summary>Writes the advisory and its translations, skipping rows already as desired; returns translations written and deleted.</summary>
    private async Task<(long Written, long Deleted)> WriteAsync(IServerWriteSession session, Pending p, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = AdvisoryStatus.Effective(p.Doc.Status, p.Doc.ValidTo, now);
        var advisory = _tables.AdvisoryRow(p.Doc, status, p.Stored?.Values);
        if (p.Stored is null || !_tables.SameAdvisory(advisory, p.Stored.Values, ignoreStatus: false))
        {
            await session.UpsertAsync(_tables.Advisory, advisory, cancellationToken);
        }

        var stored = p.StoredTranslations.ToDictionary(r => (Guid)r.Values[_tables.Translation.KeyOrdinal]!);
        var keep = new HashSet<Guid>();
        long written = 0, deleted = 0;
        foreach (var t in p.Doc.Translations)
        {
            var id = TranslationIds.For(p.Doc.AdvisoryId, t.Lang);
            keep.Add(id);
            var current = stored.GetValueOrDefault(id);
            var row = _tables.TranslationRow(p.Doc, t, status, current?.Values);
            if (current is null || !_tables.SameTranslation(row, current.Values, ignoreStatus: false))
            {
                await session.UpsertAsync(_tables.Translation, row, cancellationToken);
                written++;
            }
        }

        foreach (var id in stored.Keys.Where(k => !keep.Contains(k)))
        {
            // A tombstone, so devices that hold this translation delete it.
            await session.DeleteAsync(_tables.Translation, id, now, cancellationToken);
            deleted++;
        }

        return (written, deleted);
    }

    private sealed class Pending(ValidAdvisory doc)
    {
        public ValidAdvisory Doc { get; } = doc;

        public StoredRow? Stored { get; set; }

        public IReadOnlyList<StoredRow> StoredTranslations { get; set; } = [];

        public Plan Plan { get; set; }
    }

    /// <summary>Counts and issues of one import call.</summary>
    private sealed class Run(int maxIssues)
    {
        private readonly List<AdvisoryImportIssue> _issues = [];
        private bool _truncated;

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
