using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Advisories.Import;

/// <summary>A raw input value (null when absent or empty) with the field label and CSV row issues about it carry.</summary>
/// <remarks>
/// A long text (a translation's title or body) may be held as the JSON reader found it, still UTF-8
/// (<see cref="Utf8"/>), so it reaches the store without being decoded to a string and encoded back. Either form is
/// kept in one field: an advisory carries some twenty of these, and a wider struct was 3% more allocation per import.
/// </remarks>
internal readonly record struct SourceValue
{
    public SourceValue(string? text, string field, long? row)
    {
        Held = text;
        Field = field;
        Row = row;
    }

    /// <summary>A string or a <see cref="Utf8Text"/>.</summary>
    private object? Held { get; init; }

    public static SourceValue OfUtf8(Utf8Text utf8, string field, long? row) => new(null, field, row) { Held = utf8 };

    /// <summary>The value as a string; null when absent, or when it is held as <see cref="Utf8"/>.</summary>
    public string? Text => Held as string;

    /// <summary>The value as UTF-8, when the reader kept it so; null otherwise.</summary>
    public Utf8Text? Utf8 => Held as Utf8Text;

    public string Field { get; }

    public long? Row { get; }

    /// <summary>The value as a string, whichever form it was read in.</summary>
    public string? Value => Held?.ToString();

    public bool IsMissing => Held is Utf8Text utf8 ? Utf8Trim.IsWhiteSpace(utf8.Utf8) : string.IsNullOrWhiteSpace(Held as string);
}
