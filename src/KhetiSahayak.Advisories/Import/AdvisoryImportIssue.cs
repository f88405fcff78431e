namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// One finding of an import. <see cref="Record"/> is the 1-based advisory record (JSON array element, CSV advisory
/// group; 0 for the file as a whole), <see cref="Row"/> the CSV row as a spreadsheet numbers it (header = 1; null for
/// JSON), <see cref="Field"/> the JSON path (<c>translations.hi-IN.sms_text</c>, <c>targets[2].lgd_code</c>) or CSV column.
/// </summary>
public sealed record AdvisoryImportIssue(
    long Record,
    long? Row,
    string? AdvisoryId,
    string Field,
    string Code,
    string Message,
    AdvisoryImportIssueSeverity Severity = AdvisoryImportIssueSeverity.Error);
