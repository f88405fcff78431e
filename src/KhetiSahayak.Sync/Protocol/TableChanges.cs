namespace KhetiSahayak.Sync.Protocol;

/// <summary>
/// The changes of one table in a pull page: column names once, then each upserted row's values in that order,
/// its server version, and the keys to delete.
/// </summary>
public sealed class TableChanges(string table, IReadOnlyList<string> columns)
{
    public string Table { get; } = table;

    public IReadOnlyList<string> Columns { get; } = columns;

    public List<PulledRow> Upserts { get; } = [];

    public List<string> Deletes { get; } = [];
}
