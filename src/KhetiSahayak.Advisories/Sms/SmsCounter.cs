namespace KhetiSahayak.Advisories.Sms;

/// <summary>
/// Counts SMS segments as networks do. GSM-7 (GSM 03.38 basic alphabet, extension characters such as <c>€ [ ] { } ^ ~ \ |</c>
/// taking two septets): 160 septets in a single SMS, 153 per segment when concatenated. Any other character (every
/// Indic script) makes the whole message UCS-2: 70 UTF-16 units single, 67 per segment concatenated.
/// </summary>
/// <remarks>
/// Segments are packed greedily without splitting an escape pair (GSM-7) or a surrogate pair (UCS-2), as handsets do,
/// so an unlucky boundary can cost one more segment than a plain division says.
/// </remarks>
public static class SmsCounter
{
    public const int Gsm7Single = 160;
    public const int Gsm7Segment = 153;
    public const int Ucs2Single = 70;
    public const int Ucs2Segment = 67;

    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "^{}\\[~]|€\f";

    private static readonly System.Buffers.SearchValues<char> GsmChars = System.Buffers.SearchValues.Create(Basic + Extension);
    private static readonly System.Buffers.SearchValues<char> ExtensionChars = System.Buffers.SearchValues.Create(Extension);

    public static SmsLength Measure(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsGsm(text) ? MeasureGsm(text) : MeasureUcs2(text);
    }

    // Every advisory's sms_text is measured on import: searches over the whole text (vectorized) instead of a set
    // lookup per character, and segments by division when no character is wider than the others.
    private static bool IsGsm(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(GsmChars);

    private static SmsLength MeasureGsm(string text)
    {
        var escapes = 0;
        for (var rest = text.AsSpan(); rest.IndexOfAny(ExtensionChars) is var at and >= 0; rest = rest[(at + 1)..])
        {
            escapes++;
        }

        var units = text.Length + escapes;
        if (units <= Gsm7Single)
        {
            return new SmsLength(SmsEncoding.Gsm7, units, units == 0 ? 0 : 1);
        }

        if (escapes == 0)
        {
            return new SmsLength(SmsEncoding.Gsm7, units, (units + Gsm7Segment - 1) / Gsm7Segment);
        }

        var segments = 1;
        var used = 0;
        foreach (var c in text)
        {
            var width = ExtensionChars.Contains(c) ? 2 : 1;
            if (used + width > Gsm7Segment)
            {
                segments++;
                used = 0;
            }

            used += width;
        }

        return new SmsLength(SmsEncoding.Gsm7, units, segments);
    }

    private static SmsLength MeasureUcs2(string text)
    {
        var units = text.Length;
        if (units <= Ucs2Single)
        {
            return new SmsLength(SmsEncoding.Ucs2, units, 1);
        }

        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return new SmsLength(SmsEncoding.Ucs2, units, (units + Ucs2Segment - 1) / Ucs2Segment);
        }

        var segments = 1;
        var used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (used + width > Ucs2Segment)
            {
                segments++;
                used = 0;
            }

            used += width;
            i += width - 1;
        }

        return new SmsLength(SmsEncoding.Ucs2, units, segments);
    }
}
