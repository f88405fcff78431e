using System.Text.Json;
using System.Text.Json.Serialization;

namespace KhetiSahayak.Advisories.Reference;

/// <summary>
/// Crop and growth-stage codes advisories may target. The default catalog ships in this assembly
/// (<c>Reference/crops.json</c>); codes match <c>crop_cycle.crop_code</c> on devices, aliases (RICE, TUR, GRAM…) are
/// rewritten to their code so one crop never has two audiences.
/// </summary>
public sealed class CropCatalog
{
    /// <summary>The pseudo crop that reaches farmers of every crop (every farmer's <c>$crops</c> contains it).</summary>
    public const string AllCrops = "ALL";

    private const string ResourceName = "KhetiSahayak.Advisories.crops.json";

    private readonly Dictionary<string, CropDefinition> _byCodeOrAlias;
    private readonly HashSet<string> _allStages;

    public CropCatalog(IReadOnlyList<CropDefinition> crops)
    {
        ArgumentNullException.ThrowIfNull(crops);
        Crops = crops;
        _byCodeOrAlias = new Dictionary<string, CropDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var crop in crops)
        {
            foreach (var name in crop.Aliases.Prepend(crop.Code))
            {
                if (string.Equals(name, AllCrops, StringComparison.OrdinalIgnoreCase) || !_byCodeOrAlias.TryAdd(name, crop))
                {
                    throw new InvalidDataException($"crop catalog: code or alias '{name}' is reserved or used twice");
                }
            }
        }

        _allStages = new HashSet<string>(crops.SelectMany(c => c.Stages), StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<CropDefinition> Crops { get; }

    /// <summary>The catalog shipped with this library.</summary>
    public static CropCatalog LoadDefault()
    {
        using var stream = typeof(CropCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        return Load(stream);
    }

    /// <summary>Reads a catalog in the format of <c>Reference/crops.json</c>.</summary>
    public static CropCatalog Load(Stream json)
    {
        var file = JsonSerializer.Deserialize<CatalogFile>(json) ?? throw new InvalidDataException("crop catalog: empty file");
        var crops = (file.Crops ?? []).Select(c => new CropDefinition(
            RequireCode(c.Code, "crop code"),
            (c.Aliases ?? []).Select(a => RequireCode(a, "alias")).ToArray(),
            c.Category,
            c.Names ?? new Dictionary<string, string>(),
            (c.Stages ?? []).Select(s => RequireCode(s, "stage")).ToArray())).ToArray();
        return new CropCatalog(crops);
    }

    /// <summary>Resolves a code or alias (any case) to the crop code; <see cref="AllCrops"/> resolves to itself.</summary>
    public bool TryResolveCrop(string code, out string canonical)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (string.Equals(code, AllCrops, StringComparison.OrdinalIgnoreCase))
        {
            canonical = AllCrops;
            return true;
        }

        if (_byCodeOrAlias.TryGetValue(code, out var crop))
        {
            canonical = crop.Code;
            return true;
        }

        canonical = string.Empty;
        return false;
    }

    public CropDefinition? Find(string code) => _byCodeOrAlias.GetValueOrDefault(code);

    /// <summary>True when some crop of the catalog has this stage.</summary>
    public bool IsKnownStage(string stage) => _allStages.Contains(stage);

    /// <summary>True when <paramref name="crop"/> (a code, or <see cref="AllCrops"/> for any crop) has this stage.</summary>
    public bool IsStageOf(string crop, string stage) =>
        string.Equals(crop, AllCrops, StringComparison.OrdinalIgnoreCase)
            ? IsKnownStage(stage)
            : _byCodeOrAlias.TryGetValue(crop, out var c) && c.Stages.Contains(stage, StringComparer.OrdinalIgnoreCase);

    private static string RequireCode(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Any(ch => !(char.IsAsciiLetterUpper(ch) || char.IsAsciiDigit(ch) || ch == '_')))
        {
            throw new InvalidDataException($"crop catalog: {what} '{value}' must be upper-case ASCII letters, digits and '_'");
        }

        return value;
    }

    private sealed class CatalogFile
    {
        [JsonPropertyName("crops")]
        public List<CropEntry>? Crops { get; set; }
    }

    private sealed class CropEntry
    {
        [JsonPropertyName("code")]
        public string? Code { get; set; }

        [JsonPropertyName("aliases")]
        public List<string>? Aliases { get; set; }

        [JsonPropertyName("category")]
        public string? Category { get; set; }

        [JsonPropertyName("names")]
        public Dictionary<string, string>? Names { get; set; }

        [JsonPropertyName("stages")]
        public List<string>? Stages { get; set; }
    }
}
