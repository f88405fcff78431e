namespace KhetiSahayak.Advisories.Reference;

/// <summary>One row of <c>blocks.csv</c>: a block as listed under one district (a few blocks are listed under two).</summary>
public sealed record LgdBlock(long Code, long DistrictCode, long StateCode, long Version, string Name, string? NameLocal, long Line);
