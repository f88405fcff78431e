namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// The stable reason codes of an import report (machine-readable; never renamed once shipped). The README of this
/// library lists them with what triggers each.
/// </summary>
public static class AdvisoryImportReasons
{
    /// <summary>A required field or column value is empty or absent.</summary>
    public const string MissingField = "missing_field";

    /// <summary>advisory_id is not a UUID in the 8-4-4-4-12 form (or is the nil UUID).</summary>
    public const string InvalidUuid = "invalid_uuid";

    /// <summary>version or an LGD code is not a positive whole number.</summary>
    public const string InvalidNumber = "invalid_number";

    /// <summary>A date is not ISO 8601 (<c>2025-07-15</c> or <c>2025-07-15T10:00:00+05:30</c>).</summary>
    public const string InvalidDate = "invalid_date";

    /// <summary>A value outside its closed list (category, severity, status, source_type, season, imd_colour, lang, target level).</summary>
    public const string InvalidEnum = "invalid_enum";

    /// <summary>A JSON value of the wrong kind (an object where text is expected, text where an array is expected).</summary>
    public const string InvalidType = "invalid_type";

    /// <summary>valid_to is before valid_from.</summary>
    public const string InvalidWindow = "invalid_window";

    /// <summary>A state, district or block code not in the LGD directory.</summary>
    public const string UnknownLgdCode = "unknown_lgd_code";

    /// <summary>A block that lies in none of the advisory's listed districts.</summary>
    public const string BlockOutsideDistrict = "block_outside_district";

    /// <summary>A crop code (or alias) not in the crop catalog.</summary>
    public const string UnknownCrop = "unknown_crop";

    /// <summary>A stage code that is not a stage of any of the advisory's crops.</summary>
    public const string UnknownStage = "unknown_stage";

    /// <summary>No translation in the advisory's primary language.</summary>
    public const string MissingPrimaryTranslation = "missing_primary_translation";

    /// <summary>Two translations (CSV rows) of one advisory in the same language.</summary>
    public const string DuplicateTranslation = "duplicate_translation";

    /// <summary>sms_text needs more segments than allowed (see <see cref="AdvisoryImportOptions.MaxSmsSegments"/>).</summary>
    public const string SmsTooLong = "sms_too_long";

    /// <summary>title, body or another text is longer than its limit.</summary>
    public const string TextTooLong = "text_too_long";

    /// <summary>CSV: rows of one advisory disagree on an advisory-level column.</summary>
    public const string InconsistentValue = "inconsistent_value";

    /// <summary>CSV: more rows for one advisory than it can have translations.</summary>
    public const string TooManyRows = "too_many_rows";

    /// <summary>The store already holds a higher version of this advisory.</summary>
    public const string StaleVersion = "stale_version";

    /// <summary>The store holds this version with different content: a change needs a higher version.</summary>
    public const string VersionConflict = "version_conflict";

    /// <summary>The input cannot be read further (malformed JSON or CSV, a field over the size limit); reading stops.</summary>
    public const string MalformedInput = "malformed_input";

    /// <summary>CSV: a required column is not in the header; nothing is read.</summary>
    public const string MissingColumn = "missing_column";

    /// <summary>Warning: a translation is declared (JSON <c>null</c>) but has no text; the advisory is imported without it.</summary>
    public const string MissingTranslation = "missing_translation";

    /// <summary>Warning: a CSV column this importer does not know; its values are ignored.</summary>
    public const string UnknownColumn = "unknown_column";
}
