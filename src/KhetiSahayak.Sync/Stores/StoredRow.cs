namespace KhetiSahayak.Sync.Stores;

/// <summary>A server row with its version; <see cref="Deleted"/> marks a tombstone (values as they were when deleted).</summary>
public sealed record StoredRow(long Version, bool Deleted, object?[] Values);
