namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// The outcome of one import. Every record read is counted exactly once as inserted, updated, unchanged or rejected
/// (a record with only warnings is imported).
/// </summary>
public sealed record AdvisoryImportSummary
{
    public required AdvisoryInputFormat Format { get; init; }

    /// <summary>True when nothing was written because <see cref="AdvisoryImportOptions.DryRun"/> was set; the counts say what would have changed.</summary>
    public bool DryRun { get; init; }

    /// <summary>True when reading stopped early (malformed input, missing CSV column); records before that point were still imported.</summary>
    public bool Aborted { get; init; }

    public long Read { get; init; }

    /// <summary>Advisories that did not exist (or were deleted) before.</summary>
    public long Inserted { get; init; }

    /// <summary>Advisories superseded by a higher version, or whose status changed.</summary>
    public long Updated { get; init; }

    /// <summary>Advisories already stored with the same version and content: not written at all.</summary>
    public long Unchanged { get; init; }

    public long Rejected { get; init; }

    public long TranslationsWritten { get; init; }

    /// <summary>Translations a new version no longer has, deleted so devices drop them.</summary>
    public long TranslationsDeleted { get; init; }

    /// <summary>Inserted plus updated: zero for a re-import of the same file.</summary>
    public long Changed => Inserted + Updated;

    public long Errors { get; init; }

    public long Warnings { get; init; }

    /// <summary>The issues, in input order, at most <see cref="AdvisoryImportOptions.MaxReportedIssues"/> of them.</summary>
    public required IReadOnlyList<AdvisoryImportIssue> Issues { get; init; }

    /// <summary>True when more issues were found than <see cref="Issues"/> holds (<see cref="Errors"/> and <see cref="Warnings"/> count all).</summary>
    public bool IssuesTruncated { get; init; }
}
