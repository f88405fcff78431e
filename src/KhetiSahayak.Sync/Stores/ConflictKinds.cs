namespace KhetiSahayak.Sync.Stores;

/// <summary>Stable names of ledger entry kinds, resolutions and statuses.</summary>
public static class ConflictKinds
{
    public const string UpdateUpdate = "update_update";
    public const string UpdateDelete = "update_delete";
    public const string DeleteUpdate = "delete_update";
    public const string InsertInsert = "insert_insert";
    public const string Rejected = "rejected";

    public const string ResolutionMerged = "merged";
    public const string ResolutionServerKept = "server_kept";
    public const string ResolutionClientApplied = "client_applied";
    public const string ResolutionPartial = "partially_applied";
    public const string ResolutionRejected = "rejected";
    public const string ResolutionPending = "pending";

    public const string StatusOpen = "open";
    public const string StatusResolved = "resolved";
}
