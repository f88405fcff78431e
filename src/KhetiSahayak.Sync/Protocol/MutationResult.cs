namespace KhetiSahayak.Sync.Protocol;

/// <summary>The server's answer to one mutation; a replay of the same mutation id gets the same status and code.</summary>
public sealed record MutationResult(Guid Id, MutationStatus Status, string? Code, string? Message, RowState? Row);
