namespace KhetiSahayak.Advisories.Import;

/// <summary>The formats <see cref="AdvisoryImporter"/> reads.</summary>
public enum AdvisoryInputFormat
{
    /// <summary>A JSON array of advisories in the shape of the shared <c>advisories.sample.json</c>.</summary>
    Json,

    /// <summary>CSV, one row per advisory and language (columns in the library README).</summary>
    Csv,
}
