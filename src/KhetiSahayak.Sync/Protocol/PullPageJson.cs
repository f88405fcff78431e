using System.Runtime.CompilerServices;
using System.Text.Json;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Protocol;

/// <summary>
/// Writes a pull page in the wire form of PROTOCOL.md: <c>changes</c> with column names once per table and each row as
/// a positional array <c>[version, v1, v2, ...]</c>. <c>cursor</c> and <c>hasMore</c> come first: the engine knows them
/// before a byte is written, and a client that reads them first can ask for the next page while it applies this one.
/// </summary>
public static class PullPageJson
{
    /// <summary>
    /// Writes the page's properties into the JSON object the caller has open. Yields after every row, so a caller
    /// streaming to the network can flush as it goes; a caller that only wants the bytes enumerates it to the end.
    /// </summary>
    public static IEnumerable<int> WriteProperties(Utf8JsonWriter writer, ScopeDefinition scope, PullResponse page)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(page);
        var written = 0;
        writer.WriteString("cursor", page.Cursor);
        writer.WriteBoolean("hasMore", page.HasMore);
        writer.WriteStartArray("changes");
        foreach (var changes in page.Changes)
        {
            var table = scope.TryGetTable(changes.Table, out var st) ? st.Table : throw new InvalidOperationException($"page table {changes.Table} is not in scope {scope.Name}");
            var types = changes.Columns.Select(c => table.Columns[table.Ordinal(c)].Type).ToArray();
            writer.WriteStartObject();
            writer.WriteString("table", changes.Table);
            writer.WriteStartArray("columns");
            foreach (var column in changes.Columns)
            {
                writer.WriteStringValue(column);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("rows");
            foreach (var row in changes.Upserts)
            {
                WriteRow(writer, types, row);
                yield return ++written;
            }

            writer.WriteEndArray();
            writer.WriteStartArray("deletes");
            foreach (var key in changes.Deletes)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    // Out of the iterator, whose MoveNext the runtime only optimizes late, and optimized at its first call: a first
    // sync writes every row through here (see ValueCodec.WriteJson).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteRow(Utf8JsonWriter writer, ColumnType[] types, PulledRow row)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(row.Version);
        for (var i = 0; i < types.Length; i++)
        {
            ValueCodec.WriteJson(writer, types[i], row.Values[i]);
        }

        writer.WriteEndArray();
    }
}
