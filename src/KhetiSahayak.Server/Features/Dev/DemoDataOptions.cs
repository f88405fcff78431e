namespace KhetiSahayak.Server.Features.Dev;

/// <summary>Where the Development demo data comes from.</summary>
public sealed class DemoDataOptions
{
    public const string SectionName = "DemoData";

    /// <summary>The folder with farmer.sample.json and advisories.sample.json; empty means the nearest <c>shared/data</c> above the content root.</summary>
    public string? Path { get; set; }
}
