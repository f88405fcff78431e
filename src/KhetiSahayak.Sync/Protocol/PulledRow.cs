namespace KhetiSahayak.Sync.Protocol;

/// <summary>A row as pulled: its server version and its values in the page's column order.</summary>
public sealed record PulledRow(long Version, object?[] Values);
