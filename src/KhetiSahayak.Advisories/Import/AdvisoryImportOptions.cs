using System.ComponentModel.DataAnnotations;

namespace KhetiSahayak.Advisories.Import;

/// <summary>Limits and batching of an advisory import.</summary>
public sealed class AdvisoryImportOptions
{
    public const string SectionName = "AdvisoryImport";

    /// <summary>
    /// Valid records per write transaction and bulk write (each record lands whole with its translations, or not at
    /// all). Larger batches amortize the per-batch statements (planning read, locked read, savepoints, commit); one
    /// batch is read while <see cref="WriteConcurrency"/> batches are written, so that many plus one are held in
    /// memory (reading and validating 1,000 bench advisories allocates about 7 MB). 3,000: on the 2-core bench
    /// machine, with the CLI's non-concurrent collector, the like-for-like ratio of a 100,000-advisory import (median
    /// of paired rounds) was 0.36-0.48 (median 0.39) at 1,000, 0.41-0.47 at 2,000, 0.40-0.47 (median 0.44) at 3,000
    /// and 0.45-0.46 at 5,000, where the collector's pauses grew again (at 5,000 with the background collector,
    /// records were promoted to gen2 and cost 1-2 s of paused threads; see the README's performance notes).
    /// </summary>
    [Range(1, 50_000)]
    public int BatchSize { get; set; } = 3_000;

    /// <summary>
    /// Batches written at once, each in its own write session and connection, on a store whose write sessions run side
    /// by side (PostgreSQL; SQLite writes one at a time whatever this says). Batches that share an advisory are never
    /// written at once. At 2, one batch's COPY runs in the database while the other's rows are sent, planned or
    /// committed: on the 2-core bench machine a 100,000-advisory import left a quarter of the CPU idle with one
    /// writer. A failed batch stops the import; a batch after it that was already being written may still commit
    /// (re-running the import skips every committed record as unchanged).
    /// </summary>
    [Range(1, 16)]
    public int WriteConcurrency { get; set; } = 2;

    /// <summary>
    /// Most SMS segments an <c>sms_text</c> may take. 3 allows 201 characters of any Indic script (UCS-2, 67 per
    /// segment) or 459 GSM-7 characters; every segment is billed, and DLT templates are rarely longer.
    /// </summary>
    [Range(1, 10)]
    public int MaxSmsSegments { get; set; } = 3;

    [Range(1, 10_000)]
    public int MaxTitleLength { get; set; } = 200;

    /// <summary>An advisory body is read on a phone; longer texts belong in an attachment.</summary>
    [Range(1, 100_000)]
    public int MaxBodyLength { get; set; } = 10_000;

    /// <summary>Issues kept in the summary; further ones are only counted, so a broken 200 MB file cannot exhaust memory.</summary>
    [Range(1, 1_000_000)]
    public int MaxReportedIssues { get; set; } = 10_000;

    /// <summary>Largest CSV field read, in characters; a larger one (typically an unclosed quote) stops the import as malformed.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxFieldLength { get; set; } = 256 * 1024;

    /// <summary>Validate and compare with the store, but write nothing (the counts say what would change).</summary>
    public bool DryRun { get; set; }
}
