namespace KhetiSahayak.Sync.Stores;

/// <summary>A row a pull sends: values for an upsert, or null values for a delete on the device.</summary>
public sealed record ChangeRow(string Key, long Version, bool Deleted, object?[]? Values);
