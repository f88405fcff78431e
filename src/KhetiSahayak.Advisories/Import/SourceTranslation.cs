namespace KhetiSahayak.Advisories.Import;

/// <summary>One raw translation; <see cref="Declared"/> marks a JSON <c>"kn-IN": null</c> (a language named without text).</summary>
internal sealed record SourceTranslation(SourceValue Lang, SourceValue Title, SourceValue Body, SourceValue SmsText, bool Declared = false);
