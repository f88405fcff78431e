namespace KhetiSahayak.Sync.Scopes;

/// <summary>
/// How a device change is reconciled with a server row that changed since the device's base version.
/// See sync-scopes/README.md for the exact rules.
/// </summary>
public enum ConflictPolicy
{
    /// <summary>The server's row stands; the device change is recorded in the ledger as resolved.</summary>
    ServerWins,

    /// <summary>The device's values are applied over the server's; recorded as resolved.</summary>
    ClientWins,

    /// <summary>Edits to disjoint columns merge; overlapping columns follow their column policy (server wins by default).</summary>
    Merge,

    /// <summary>The server's row stands and the device change waits in the ledger for an admin.</summary>
    Manual,
}
