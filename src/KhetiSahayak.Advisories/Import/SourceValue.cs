namespace KhetiSahayak.Advisories.Import;

/// <summary>A raw input value (null when absent or empty) with the field label and CSV row issues about it carry.</summary>
internal readonly record struct SourceValue(string? Text, string Field, long? Row)
{
    public bool IsMissing => string.IsNullOrWhiteSpace(Text);
}
