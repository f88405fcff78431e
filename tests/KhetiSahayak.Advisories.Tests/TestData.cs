using System.Text;
using System.Text.Json.Nodes;
using KhetiSahayak.Advisories.Reference;
using KhetiSahayak.Testing;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>The shared sample data (../shared/data beside the repository) and the reference data loaded once.</summary>
internal static class TestData
{
    private static readonly Lazy<Task<LgdDirectory>> LgdLoad = new(() => LgdDirectory.LoadAsync(LgdFolder, CancellationToken.None));

    public static string SharedData => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data"));

    public static string LgdFolder => Path.Combine(SharedData, "lgd");

    public static string SampleAdvisoriesPath => Path.Combine(SharedData, "advisories.sample.json");

    /// <summary>Immutable once loaded, so tests share one copy.</summary>
    public static Task<LgdDirectory> LgdAsync() => LgdLoad.Value;

    public static CropCatalog Crops { get; } = CropCatalog.LoadDefault();

    /// <summary>The sample advisories as a mutable JSON array (a fresh copy per call).</summary>
    public static JsonArray SampleNodes() => JsonNode.Parse(File.ReadAllText(SampleAdvisoriesPath))!.AsArray();

    public static Guid SampleId(int n) => Guid.Parse($"0190a1b2-0000-7000-8000-{n:D12}");

    public static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>Indian Standard Time, for readable instants in tests.</summary>
    public static DateTimeOffset Ist(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.FromMinutes(330));
}
