namespace KhetiSahayak.Advisories.Import;

/// <summary>A validated translation of an advisory.</summary>
internal sealed record ValidTranslation(string Lang, string Title, string Body, string? SmsText);
