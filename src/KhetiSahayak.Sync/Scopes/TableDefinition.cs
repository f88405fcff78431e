namespace KhetiSahayak.Sync.Scopes;

/// <summary>A table of the catalog: its UUID key and its columns in a fixed order (the order values travel in).</summary>
public sealed class TableDefinition
{
    private readonly Dictionary<string, int> _ordinals;

    public TableDefinition(string name, string key, IReadOnlyList<ColumnDefinition> columns, IReadOnlyList<string[]> indexes)
    {
        Name = name;
        Key = key;
        Columns = columns;
        Indexes = indexes;
        _ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            _ordinals[columns[i].Name] = i;
        }

        KeyOrdinal = _ordinals[key];
    }

    public string Name { get; }

    public string Key { get; }

    public int KeyOrdinal { get; }

    public IReadOnlyList<ColumnDefinition> Columns { get; }

    /// <summary>Extra indexes (column lists) the stores create next to the tracking indexes.</summary>
    public IReadOnlyList<string[]> Indexes { get; }

    public bool TryGetOrdinal(string column, out int ordinal) => _ordinals.TryGetValue(column, out ordinal);

    public int Ordinal(string column) => _ordinals[column];
}
