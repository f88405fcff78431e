namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// An advisory that passed validation, in stored form: canonical codes, targets resolved to sorted district and
/// block codes, timestamps in UTC, and the status the file gave (before expiry is applied).
/// </summary>
internal sealed record ValidAdvisory(
    long Record,
    long? Row,
    Guid AdvisoryId,
    long Version,
    string SourceType,
    string? IssuingOffice,
    string? BulletinRef,
    string Category,
    string Severity,
    string? ImdColour,
    string? Season,
    IReadOnlyList<string> CropCodes,
    IReadOnlyList<string> StageCodes,
    string? PestDiseaseCode,
    IReadOnlyList<long> DistrictCodes,
    IReadOnlyList<long> BlockCodes,
    string? RecommendedInputs,
    DateTimeOffset IssuedAt,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidTo,
    string Status,
    string PrimaryLang,
    IReadOnlyList<ValidTranslation> Translations)
{
    // Each list is stored as JSON on the advisory row and again on every translation row: serialized once per record
    // (derived from the lists, so record equality is unchanged).
    public string CropCodesJson { get; } = AdvisoryTables.Json(CropCodes);

    public string StageCodesJson { get; } = AdvisoryTables.Json(StageCodes);

    public string DistrictCodesJson { get; } = AdvisoryTables.Json(DistrictCodes);

    public string BlockCodesJson { get; } = AdvisoryTables.Json(BlockCodes);
}
