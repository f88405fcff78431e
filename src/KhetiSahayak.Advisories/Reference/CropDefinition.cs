namespace KhetiSahayak.Advisories.Reference;

/// <summary>One crop of the catalog: its code, accepted aliases, names per language and growth stages in order.</summary>
public sealed record CropDefinition(
    string Code,
    IReadOnlyList<string> Aliases,
    string? Category,
    IReadOnlyDictionary<string, string> Names,
    IReadOnlyList<string> Stages);
