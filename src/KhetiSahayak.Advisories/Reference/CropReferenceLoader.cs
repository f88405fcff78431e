using System.Text.Json;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Reference;

/// <summary>
/// Loads a <see cref="CropCatalog"/> (by default the shipped <c>Reference/crops.json</c>) into the synced reference
/// tables <c>crop</c> and <c>crop_stage</c>, with the same all-or-nothing-per-change rules as <see cref="LgdLoader"/>:
/// unchanged rows are not written, rows no longer in the catalog become tombstones.
/// </summary>
/// <remarks>
/// crops.json names crops per language but not stages, so a stage's <c>names</c> carries an en-IN name made from its
/// code (<c>POD_FILLING</c> → "Pod filling") until the catalog gains translated stage names.
/// </remarks>
public sealed class CropReferenceLoader
{
    // Indic names as UTF-8 rather than \uXXXX escapes: half the bytes on every device's first sync.
    private static readonly JsonSerializerOptions Names = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly IServerStore _store;
    private readonly TimeProvider _time;
    private readonly TableDefinition _crops;
    private readonly TableDefinition _stages;

    public CropReferenceLoader(IServerStore store, TableCatalog catalog, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _time = time;
        _crops = ReferenceTableWriter.Resolve(catalog, "crop", "crop_id", "crop_code", "names", "category");
        _stages = ReferenceTableWriter.Resolve(catalog, "crop_stage", "stage_id", "crop_code", "stage_code", "names", "sequence");
    }

    public async Task<IReadOnlyList<ReferenceTableResult>> LoadAsync(CropCatalog catalog, IProgress<ReferenceLoadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var crops = catalog.Crops.Select(c => ReferenceTableWriter.Row(_crops,
            ("crop_id", ReferenceIds.Crop(c.Code)),
            ("crop_code", c.Code),
            ("names", JsonSerializer.Serialize(c.Names.OrderBy(n => n.Key, StringComparer.Ordinal).ToDictionary(n => n.Key, n => n.Value), Names)),
            ("category", c.Category))).ToList();
        var stages = catalog.Crops.SelectMany(c => c.Stages.Select((s, i) => ReferenceTableWriter.Row(_stages,
            ("stage_id", ReferenceIds.CropStage(c.Code, s)),
            ("crop_code", c.Code),
            ("stage_code", s),
            ("names", JsonSerializer.Serialize(new Dictionary<string, string> { ["en-IN"] = StageName(s) }, Names)),
            ("sequence", (long)(i + 1))))).ToList();

        return
        [
            await ReferenceTableWriter.WriteAsync(_store, _crops, crops, _time, progress, cancellationToken),
            await ReferenceTableWriter.WriteAsync(_store, _stages, stages, _time, progress, cancellationToken),
        ];
    }

    /// <summary>"POD_FILLING" → "Pod filling"; "V4_V8" → "V4 v8" is left readable enough for a fallback.</summary>
    internal static string StageName(string code)
    {
        var words = code.ToLowerInvariant().Replace('_', ' ');
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
