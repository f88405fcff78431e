namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// The closed lists advisory fields are checked against. Matching ignores case; values are stored in the spelling
/// listed here.
/// </summary>
public static class AdvisoryVocabulary
{
    /// <summary>Who issued the advisory: Krishi Vigyan Kendra, state agricultural university, IMD agromet units (AMFU/DAMU), …</summary>
    public static readonly IReadOnlyList<string> SourceTypes = ["KVK", "SAU", "AMFU", "DAMU", "IMD", "ICAR", "STATE_AGRI_DEPT", "ATMA", "FPO", "OTHER"];

    public static readonly IReadOnlyList<string> Categories =
        ["weather", "pest", "disease", "crop_management", "sowing", "nutrient", "irrigation", "weed", "harvest", "post_harvest", "market", "scheme", "livestock", "general"];

    public static readonly IReadOnlyList<string> Severities = ["info", "advisory", "warning", "alert"];

    public static readonly IReadOnlyList<string> Seasons = ["kharif", "rabi", "zaid", "perennial"];

    /// <summary>Statuses an import may set; <see cref="AdvisoryStatus.Expired"/> is the server's to set.</summary>
    public static readonly IReadOnlyList<string> ImportStatuses = [AdvisoryStatus.Draft, AdvisoryStatus.Published, AdvisoryStatus.Withdrawn];

    /// <summary>IMD impact-based warning colours.</summary>
    public static readonly IReadOnlyList<string> ImdColours = ["green", "yellow", "orange", "red"];

    /// <summary>Languages of translations (BCP 47), the ones the app ships.</summary>
    public static readonly IReadOnlyList<string> Languages =
        ["en-IN", "hi-IN", "mr-IN", "pa-IN", "te-IN", "ta-IN", "kn-IN", "bn-IN", "gu-IN", "ml-IN", "or-IN", "as-IN", "ur-IN"];

    /// <summary>Target levels of a JSON <c>targets[]</c> entry.</summary>
    public static readonly IReadOnlyList<string> TargetLevels = ["state", "district", "block"];

    /// <summary>The listed spelling of <paramref name="value"/> in <paramref name="list"/>, matched ignoring case.</summary>
    public static bool TryCanonical(IReadOnlyList<string> list, string value, out string canonical)
    {
        ArgumentNullException.ThrowIfNull(list);

        // By index: foreach over an IReadOnlyList allocates an enumerator, and this runs for every closed-list field.
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.OrdinalIgnoreCase))
            {
                canonical = list[i];
                return true;
            }
        }

        canonical = string.Empty;
        return false;
    }
}
