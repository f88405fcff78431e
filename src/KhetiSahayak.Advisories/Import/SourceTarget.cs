namespace KhetiSahayak.Advisories.Import;

/// <summary>One raw target: a level (state, district, block), an LGD code and, for a JSON block target, an optional district.</summary>
internal sealed record SourceTarget(SourceValue Level, SourceValue Code, SourceValue? District);
