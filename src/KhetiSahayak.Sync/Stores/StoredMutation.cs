using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Sync.Stores;

/// <summary>The remembered outcome of a mutation id, so a replay answers the same.</summary>
public sealed record StoredMutation(Guid Id, Guid DeviceId, string Table, string RowKey, MutationStatus Status, string? Code, string? Message, DateTimeOffset CreatedAt);
