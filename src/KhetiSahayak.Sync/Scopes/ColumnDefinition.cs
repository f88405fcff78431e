namespace KhetiSahayak.Sync.Scopes;

/// <summary>One column of a synced table, as declared in the table catalog.</summary>
public sealed record ColumnDefinition(string Name, ColumnType Type, bool Nullable);
