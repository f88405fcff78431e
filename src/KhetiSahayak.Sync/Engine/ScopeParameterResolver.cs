using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Sync.Engine;

/// <summary>
/// The Kheti Sahayak parameter rules: a farmer's districts, blocks and languages come from their server-side
/// farmer_profile, their crops from their crop cycles (plus the pseudo crop "ALL"); an officer's districts and
/// blocks from officer_assignment. Nothing comes from the device's request.
/// </summary>
public sealed class ScopeParameterResolver(IServerStore store, TableCatalog catalog) : IScopeParameterResolver
{
    /// <summary>The crop code of advisories meant for every crop.</summary>
    public const string AllCrops = "ALL";

    public async Task<ScopeParameters> ResolveAsync(SyncPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var p = new ScopeParameters()
            .Set(ScopeParameter.UserId, principal.UserId)
            .Set(ScopeParameter.Role, principal.Role)
            .Set(ScopeParameter.FarmerId, principal.FarmerId);
        var districts = new List<long>();
        var blocks = new List<long>();
        var languages = new List<string>();
        var crops = new List<string> { AllCrops };

        if (principal.FarmerId is { } farmerId && catalog.TryGet("farmer_profile", out var profile))
        {
            foreach (var row in await store.ReadRowsAsync(profile, "farmer_id", farmerId, cancellationToken))
            {
                AddLong(districts, profile, row, "lgd_district_code");
                AddLong(blocks, profile, row, "lgd_block_code");
                AddString(languages, profile, row, "preferred_lang");
                AddString(languages, profile, row, "secondary_lang");
            }

            if (catalog.TryGet("crop_cycle", out var cycles))
            {
                foreach (var row in await store.ReadRowsAsync(cycles, "farmer_id", farmerId, cancellationToken))
                {
                    AddString(crops, cycles, row, "crop_code");
                }
            }
        }

        if (principal.Role == "extension_officer" && catalog.TryGet("officer_assignment", out var assignments))
        {
            foreach (var row in await store.ReadRowsAsync(assignments, "officer_id", principal.UserId, cancellationToken))
            {
                AddLong(districts, assignments, row, "lgd_district_code");
                AddLong(blocks, assignments, row, "lgd_block_code");
            }
        }

        return p.Set(ScopeParameter.Districts, districts.ToArray())
            .Set(ScopeParameter.Blocks, blocks.ToArray())
            .Set(ScopeParameter.Languages, languages.ToArray())
            .Set(ScopeParameter.Crops, crops.ToArray());
    }

    private static void AddLong(List<long> list, TableDefinition table, StoredRow row, string column)
    {
        if (table.TryGetOrdinal(column, out var o) && row.Values[o] is long v)
        {
            list.Add(v);
        }
    }

    private static void AddString(List<string> list, TableDefinition table, StoredRow row, string column)
    {
        if (table.TryGetOrdinal(column, out var o) && row.Values[o] is string v && v.Length > 0)
        {
            list.Add(v);
        }
    }
}
