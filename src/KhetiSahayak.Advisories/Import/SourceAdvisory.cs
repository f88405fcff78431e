namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// One advisory as read from the input, before validation: every value raw, labelled with the field name and row the
/// format uses, so the validator reports the same way for JSON and CSV.
/// </summary>
internal sealed class SourceAdvisory
{
    public required long Record { get; init; }

    public long? Row { get; init; }

    public required SourceValue AdvisoryId { get; init; }

    public required SourceValue Version { get; init; }

    public required SourceValue SourceType { get; init; }

    public required SourceValue IssuingOffice { get; init; }

    public SourceValue? IssuingOfficeDistrict { get; init; }

    public required SourceValue BulletinRef { get; init; }

    public required SourceValue Category { get; init; }

    public required SourceValue Severity { get; init; }

    public required SourceValue ImdColour { get; init; }

    public required SourceValue Season { get; init; }

    public required SourceValue PestDiseaseCode { get; init; }

    /// <summary>Where "no crops" is reported (<c>crop_codes</c>).</summary>
    public required SourceValue CropCodesField { get; init; }

    public required IReadOnlyList<SourceValue> CropCodes { get; init; }

    public required IReadOnlyList<SourceValue> StageCodes { get; init; }

    /// <summary>Where "no targets" is reported (JSON <c>targets</c>, CSV <c>district_codes</c>).</summary>
    public required SourceValue TargetsField { get; init; }

    public required IReadOnlyList<SourceTarget> Targets { get; init; }

    /// <summary>Compact JSON of <c>recommended_inputs</c> (JSON input only).</summary>
    public string? RecommendedInputs { get; init; }

    public required SourceValue IssuedAt { get; init; }

    public required SourceValue ValidFrom { get; init; }

    public required SourceValue ValidTo { get; init; }

    public required SourceValue Status { get; init; }

    /// <summary>The primary language; for JSON without <c>primary_lang</c>, the first translation's language, labelled <c>translations</c>.</summary>
    public required SourceValue PrimaryLang { get; init; }

    /// <summary>True when <see cref="PrimaryLang"/> was not given but taken from the first translation.</summary>
    public bool PrimaryLangDerived { get; init; }

    public required IReadOnlyList<SourceTranslation> Translations { get; init; }

    /// <summary>Problems the reader found (wrong JSON kinds, inconsistent CSV rows).</summary>
    public List<AdvisoryImportIssue> ReaderIssues { get; } = [];
}
