namespace KhetiSahayak.Advisories.Import;

/// <summary>An error rejects the whole record; a warning is reported and the record is still imported.</summary>
public enum AdvisoryImportIssueSeverity
{
    Error,
    Warning,
}
