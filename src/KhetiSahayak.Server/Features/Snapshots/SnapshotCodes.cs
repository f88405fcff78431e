namespace KhetiSahayak.Server.Features.Snapshots;

/// <summary>Stable codes of the snapshot endpoint's own refusals (the scope's are the engine's, e.g. <c>unknown_scope</c>).</summary>
public static class SnapshotCodes
{
    public const string UnknownDistrict = "unknown_district";
    public const string UnknownLanguage = "unknown_language";
}
