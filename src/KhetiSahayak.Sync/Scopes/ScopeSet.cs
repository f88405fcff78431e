namespace KhetiSahayak.Sync.Scopes;

/// <summary>The loaded catalog and every scope version, as the server serves them.</summary>
public sealed class ScopeSet(TableCatalog catalog, IReadOnlyList<ScopeDefinition> scopes)
{
    public TableCatalog Catalog { get; } = catalog;

    public IReadOnlyList<ScopeDefinition> Scopes { get; } = scopes;

    public ScopeDefinition? Find(string name, int version) =>
        Scopes.FirstOrDefault(s => s.Name == name && s.Version == version);

    public ScopeDefinition? Latest(string name) =>
        Scopes.Where(s => s.Name == name).MaxBy(s => s.Version);
}
