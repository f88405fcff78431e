namespace KhetiSahayak.Sync.Scopes;

/// <summary>A named, versioned scope: the tables one kind of device replicates, in pull order.</summary>
public sealed class ScopeDefinition
{
    public ScopeDefinition(string name, int version, string? role, IReadOnlyList<ScopeTable> tables)
    {
        Name = name;
        Version = version;
        Role = role;
        Tables = tables;
        ById = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Name { get; }

    public int Version { get; }

    /// <summary>The principal role allowed to sync this scope, or null for any role.</summary>
    public string? Role { get; }

    public IReadOnlyList<ScopeTable> Tables { get; }

    private Dictionary<string, ScopeTable> ById { get; }

    /// <summary>The tables a device pulls (everything but upload-only), in scope order.</summary>
    public IEnumerable<ScopeTable> PulledTables => Tables.Where(t => t.Direction != SyncDirection.UploadOnly);

    public bool TryGetTable(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScopeTable? table) =>
        ById.TryGetValue(name, out table);
}
