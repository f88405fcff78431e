namespace KhetiSahayak.Sync.Stores;

/// <summary>
/// An entry of the conflict ledger: a conflict or a rejected change, with base, device and server values (JSON
/// objects), who sent it, when the server saw it, and how it was resolved.
/// </summary>
public sealed record ConflictRecord(
    Guid Id,
    DateTimeOffset CreatedAt,
    string Scope,
    Guid DeviceId,
    Guid UserId,
    Guid MutationId,
    string Table,
    string RowKey,
    string Kind,
    string Code,
    string Detail,
    long? BaseVersion,
    long? ServerVersion,
    string? BaseValues,
    string? DeviceValues,
    string? ServerValues,
    string Resolution,
    string Status);
