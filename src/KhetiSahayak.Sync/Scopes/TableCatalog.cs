namespace KhetiSahayak.Sync.Scopes;

/// <summary>Every table the stores provision, keyed by name (sync-scopes/catalog.json).</summary>
public sealed class TableCatalog(IReadOnlyList<TableDefinition> tables)
{
    private readonly Dictionary<string, TableDefinition> _byName = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public IReadOnlyList<TableDefinition> Tables { get; } = tables;

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TableDefinition? table) =>
        _byName.TryGetValue(name, out table);

    public TableDefinition this[string name] => _byName[name];
}
