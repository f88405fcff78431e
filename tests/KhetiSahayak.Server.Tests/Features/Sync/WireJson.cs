using System.Globalization;
using System.Text.Json;

namespace KhetiSahayak.Server.Tests.Features.Sync;

/// <summary>Hand-written request bodies, as another platform's client would send them.</summary>
internal static class WireJson
{
    public static string PlotValues(Guid plotId, Guid farmerId, double acres, string name = "plot") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["plot_id"] = plotId,
            ["farmer_id"] = farmerId,
            ["local_name"] = name,
            ["area_value"] = acres,
            ["area_unit"] = "acre",
            ["area_ha"] = Math.Round(acres / 2.471, 4),
        });

    public static string Mutation(Guid id, string table, string op, Guid key, string? valuesJson, long? baseVersion = null) =>
        "{" + string.Join(",", new[]
        {
            $"\"id\":\"{id}\"",
            $"\"table\":\"{table}\"",
            $"\"op\":\"{op}\"",
            $"\"key\":\"{key}\"",
            baseVersion is { } v ? $"\"baseVersion\":{v.ToString(CultureInfo.InvariantCulture)}" : null,
            valuesJson is null ? null : $"\"values\":{valuesJson}",
        }.Where(p => p is not null)) + "}";

    public static string Push(params string[] mutations) => $$"""{"protocol":1,"scopeVersion":1,"mutations":[{{string.Join(",", mutations)}}]}""";
}
