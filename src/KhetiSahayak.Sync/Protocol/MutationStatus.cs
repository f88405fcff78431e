namespace KhetiSahayak.Sync.Protocol;

/// <summary>The outcome of one pushed mutation.</summary>
public enum MutationStatus
{
    /// <summary>Applied as sent, with no concurrent change on the server.</summary>
    Applied,

    /// <summary>Applied, merged with concurrent server edits to other columns.</summary>
    Merged,

    /// <summary>A conflict was detected and resolved by policy, or left open for an admin; see the ledger.</summary>
    Conflict,

    /// <summary>Refused (validation, permission, unknown table); recorded in the ledger with the reason.</summary>
    Rejected,
}
