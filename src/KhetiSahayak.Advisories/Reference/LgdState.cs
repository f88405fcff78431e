namespace KhetiSahayak.Advisories.Reference;

/// <summary>One row of <c>states.csv</c>: the LGD code and version, the name, the local-language name and S (state) or U (union territory).</summary>
public sealed record LgdState(long Code, long Version, string Name, string? NameLocal, string? StateOrUt, long Line);
