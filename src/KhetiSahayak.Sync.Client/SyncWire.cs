using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Client;

/// <summary>
/// The client's half of the wire format (src/KhetiSahayak.Server/Features/Sync/PROTOCOL.md): writes request bodies and
/// reads answers back into the engine's types, decoding positional values with the client's own column types.
/// </summary>
internal static class SyncWire
{
    public const int Protocol = 1;

    public const string InvalidResponse = "invalid_response";

    // Indic text travels as UTF-8 (3 bytes a character), not as \uXXXX escapes (6).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static byte[] WriteRequest(int scopeVersion, string? cursor, IReadOnlyList<Mutation>? mutations)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("protocol", Protocol);
            writer.WriteNumber("scopeVersion", scopeVersion);
            if (cursor is not null)
            {
                writer.WriteString("cursor", cursor);
            }

            if (mutations is not null)
            {
                writer.WriteStartArray("mutations");
                foreach (var m in mutations)
                {
                    WriteMutation(writer, m);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMutation(Utf8JsonWriter writer, Mutation m)
    {
        writer.WriteStartObject();
        writer.WriteString("id", m.Id);
        writer.WriteString("table", m.Table);
        writer.WriteString("op", m.Operation switch
        {
            MutationOperation.Insert => "insert",
            MutationOperation.Update => "update",
            _ => "delete",
        });
        writer.WriteString("key", m.Key);
        if (m.BaseVersion is { } baseVersion)
        {
            writer.WriteNumber("baseVersion", baseVersion);
        }

        WriteValues(writer, "values", m.Values);
        if (m.Changed is not null)
        {
            writer.WriteStartArray("changed");
            foreach (var c in m.Changed)
            {
                writer.WriteStringValue(c);
            }

            writer.WriteEndArray();
        }

        WriteValues(writer, "base", m.Base);
        writer.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, JsonElement>? values)
    {
        if (values is null)
        {
            return;
        }

        writer.WriteStartObject(name);
        foreach (var (column, value) in values)
        {
            writer.WritePropertyName(column);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads the push results; row values are positional in the table's column order.</summary>
    public static PushResponse ReadPush(JsonElement root, ScopeDefinition scope, IReadOnlyList<Mutation> mutations)
    {
        var tableOf = new Dictionary<Guid, string>();
        foreach (var m in mutations)
        {
            tableOf.TryAdd(m.Id, m.Table);
        }

        var results = new List<MutationResult>();
        foreach (var r in Array(root, "results"))
        {
            var id = r.TryGetProperty("id", out var idEl) && idEl.TryGetGuid(out var g) ? g : throw Invalid("a result without an id");
            var status = String(r, "status") switch
            {
                "applied" => MutationStatus.Applied,
                "merged" => MutationStatus.Merged,
                "conflict" => MutationStatus.Conflict,
                "rejected" => MutationStatus.Rejected,
                var other => throw Invalid($"unknown result status '{other}'"),
            };
            RowState? row = null;
            if (r.TryGetProperty("row", out var rowEl) && rowEl.ValueKind == JsonValueKind.Object)
            {
                var version = rowEl.TryGetProperty("version", out var v) && v.TryGetInt64(out var ver) ? ver : throw Invalid("a row without a version");
                var absent = rowEl.TryGetProperty("absent", out var a) && a.ValueKind == JsonValueKind.True;
                object?[]? values = null;
                if (rowEl.TryGetProperty("values", out var valuesEl) && valuesEl.ValueKind == JsonValueKind.Array
                    && tableOf.TryGetValue(id, out var tableName) && scope.TryGetTable(tableName, out var st))
                {
                    // Positional in catalog order; columns only ever get appended, so a newer server's extra trailing
                    // values are ones this client does not know, and a missing one is null.
                    values = new object?[st.Table.Columns.Count];
                    var i = 0;
                    foreach (var item in valuesEl.EnumerateArray())
                    {
                        if (i < values.Length)
                        {
                            values[i] = Decode(st.Table.Columns[i], item);
                        }

                        i++;
                    }
                }

                row = new RowState(version, absent, values);
            }

            results.Add(new MutationResult(id, status, OptionalString(r, "code"), OptionalString(r, "message"), row));
        }

        return new PushResponse(results);
    }

    /// <summary>True when the answer carries a pull page (a sync answer may carry only push results).</summary>
    public static bool HasPage(JsonElement root) => root.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.String;

    /// <summary>Reads a pull page; tables and columns this client's scope does not know are skipped.</summary>
    public static PullResponse ReadPage(JsonElement root, ScopeDefinition scope)
    {
        var changes = new List<TableChanges>();
        foreach (var t in Array(root, "changes"))
        {
            var name = String(t, "table");
            var columnNames = Array(t, "columns").Select(c => c.GetString() ?? throw Invalid("a column name that is not a string")).ToArray();
            if (!scope.TryGetTable(name, out var st))
            {
                continue;
            }

            var columns = columnNames.Select(c => st.Table.TryGetOrdinal(c, out var o) ? st.Table.Columns[o] : null).ToArray();
            var tc = new TableChanges(name, columnNames);
            foreach (var row in Array(t, "rows"))
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != columns.Length + 1)
                {
                    throw Invalid($"a row of '{name}' that is not [version, {columns.Length} values]");
                }

                var items = row.EnumerateArray();
                items.MoveNext();
                var version = items.Current.TryGetInt64(out var ver) ? ver : throw Invalid($"a row version of '{name}' that is not an integer");
                var values = new object?[columns.Length];
                for (var i = 0; items.MoveNext(); i++)
                {
                    values[i] = columns[i] is { } column ? Decode(column, items.Current) : null;
                }

                tc.Upserts.Add(new PulledRow(version, values));
            }

            foreach (var key in Array(t, "deletes"))
            {
                tc.Deletes.Add(key.GetString() ?? throw Invalid($"a delete of '{name}' that is not a string"));
            }

            changes.Add(tc);
        }

        var (cursor, hasMore) = ReadPageHead(root);
        return new PullResponse(changes, cursor, hasMore);
    }

    /// <summary>A page's cursor and hasMore, wherever in the answer they are.</summary>
    public static (string Cursor, bool HasMore) ReadPageHead(JsonElement root)
    {
        var hasMore = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("hasMore", out var more) && more.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? more.GetBoolean()
            : throw Invalid("a page without hasMore");
        return (String(root, "cursor"), hasMore);
    }

    private static object? Decode(ColumnDefinition column, JsonElement json) =>
        ValueCodec.TryFromJson(column, json, out var value) ? value : throw Invalid($"a value of column '{column.Name}' that is not a {column.Type.ToString().ToLowerInvariant()}");

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray()
            : throw Invalid($"no '{name}' array");

    private static string String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : throw Invalid($"no '{name}' string");

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;

    private static SyncProtocolException Invalid(string what) => new(InvalidResponse, "The server's answer is not a valid sync answer: " + what + ".");
}
