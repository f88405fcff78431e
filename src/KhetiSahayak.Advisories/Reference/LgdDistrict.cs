namespace KhetiSahayak.Advisories.Reference;

/// <summary>One row of <c>districts.csv</c> (the file gives no district version).</summary>
public sealed record LgdDistrict(long Code, long StateCode, string Name, long Line);
