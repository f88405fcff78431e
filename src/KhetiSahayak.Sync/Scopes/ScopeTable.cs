namespace KhetiSahayak.Sync.Scopes;

/// <summary>A table as one scope uses it: direction, row filter and conflict policy.</summary>
public sealed record ScopeTable(
    TableDefinition Table,
    SyncDirection Direction,
    FilterNode Filter,
    ConflictPolicy Policy,
    IReadOnlyDictionary<string, ConflictPolicy> ColumnPolicies,
    IReadOnlySet<string> ReadOnlyColumns)
{
    public string Name => Table.Name;

    /// <summary>The columns the filter reads; a change to one of them can move a row out of a device's view.</summary>
    public IReadOnlyList<string> FilterColumns { get; } = CollectColumns(Filter);

    /// <summary>The policy for a column both sides changed.</summary>
    public ConflictPolicy PolicyFor(string column) =>
        ColumnPolicies.TryGetValue(column, out var p) ? p : Policy == ConflictPolicy.Merge ? ConflictPolicy.ServerWins : Policy;

    private static string[] CollectColumns(FilterNode node)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        Visit(node);
        return [.. set];

        void Visit(FilterNode n)
        {
            switch (n)
            {
                case FilterComparison c: set.Add(c.Column); break;
                case FilterAll a: foreach (var x in a.Children) { Visit(x); } break;
                case FilterAny a: foreach (var x in a.Children) { Visit(x); } break;
            }
        }
    }
}
