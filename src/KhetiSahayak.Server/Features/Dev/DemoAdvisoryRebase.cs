using System.Globalization;
using System.Text.Json.Nodes;

namespace KhetiSahayak.Server.Features.Dev;

/// <summary>
/// The sample advisories' validity windows lie in the past, so imported as they are they would all be expired and
/// reach no device. The demo moves every window by the same whole number of days (their order and lengths stay as the
/// sample has them) so that the earliest <c>valid_to</c> is at least <see cref="MinimumAhead"/> away.
/// </summary>
/// <remarks>
/// Restarts must not rewrite the advisories (devices would download them again, and the importer rejects the same
/// version with other content), so a shift already in the store is kept while every rebased advisory is still
/// current. Once the earliest has ended, the demo re-issues them all with a fresh shift, each at its stored version + 1,
/// exactly as an officer re-issues an advisory.
/// </remarks>
internal static class DemoAdvisoryRebase
{
    public static readonly TimeSpan MinimumAhead = TimeSpan.FromDays(7);

    private static readonly string[] ShiftedFields = ["issued_at", "valid_from", "valid_to"];

    /// <summary>Chooses the shift and versions from the sample, what the store holds of it (version and valid_to by id) and the time.</summary>
    public static DemoAdvisoryPlan Plan(JsonArray sample, IReadOnlyDictionary<Guid, (long Version, DateTimeOffset ValidTo)> stored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(stored);
        var advisories = sample.OfType<JsonObject>()
            .Select(a => (Id: GuidOf(a["advisory_id"]), Version: LongOf(a["version"]), ValidTo: InstantOf(a["valid_to"])))
            .Where(a => a.Id is not null && a.ValidTo is not null)
            .Select(a => (Id: a.Id!.Value, Version: a.Version ?? 1, ValidTo: a.ValidTo!.Value))
            .ToList();
        if (advisories.Count == 0)
        {
            return new DemoAdvisoryPlan(0, false, new Dictionary<Guid, long>());
        }

        var earliest = advisories.Min(a => a.ValidTo);
        var storedShifts = advisories
            .Select(a => stored.TryGetValue(a.Id, out var s) ? s.ValidTo - a.ValidTo : (TimeSpan?)null)
            .ToList();
        if (storedShifts.All(s => s is { } d && d.Ticks % TimeSpan.TicksPerDay == 0 && d >= TimeSpan.Zero)
            && storedShifts.Distinct().Count() == 1
            && earliest + storedShifts[0]!.Value > now)
        {
            return new DemoAdvisoryPlan((int)storedShifts[0]!.Value.TotalDays, true, advisories.ToDictionary(a => a.Id, a => stored[a.Id].Version));
        }

        var days = Math.Max(0, (int)Math.Ceiling((now + MinimumAhead - earliest).TotalDays));
        var versions = advisories.ToDictionary(a => a.Id, a => stored.TryGetValue(a.Id, out var s) ? Math.Max(s.Version + 1, a.Version) : a.Version);
        return new DemoAdvisoryPlan(days, false, versions);
    }

    /// <summary>A copy of the sample with the plan applied (offsets such as +05:30 kept).</summary>
    public static JsonArray Apply(JsonArray sample, DemoAdvisoryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(plan);
        var copy = sample.DeepClone().AsArray();
        foreach (var advisory in copy.OfType<JsonObject>())
        {
            foreach (var field in ShiftedFields)
            {
                if (InstantOf(advisory[field]) is { } instant)
                {
                    advisory[field] = instant.AddDays(plan.ShiftDays).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
                }
            }

            if (GuidOf(advisory["advisory_id"]) is { } id && plan.Versions.TryGetValue(id, out var version))
            {
                advisory["version"] = version;
            }
        }

        return copy;
    }

    private static Guid? GuidOf(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && Guid.TryParse(s, out var g) ? g : null;

    private static long? LongOf(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<long>(out var l) ? l : null;

    private static DateTimeOffset? InstantOf(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
