namespace KhetiSahayak.Advisories.Import;

/// <summary>Running counts of an import: records read, imported (new or updated), unchanged and rejected so far.</summary>
public readonly record struct AdvisoryImportProgress(long Read, long Imported, long Unchanged, long Rejected);
