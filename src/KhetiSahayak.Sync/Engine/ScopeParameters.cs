using System.Text.Json;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Engine;

/// <summary>
/// The resolved filter parameters of one principal. Values are Guid, string, long[] or string[]; lists are kept
/// sorted so that two resolutions of the same facts compare equal.
/// </summary>
public sealed class ScopeParameters : IEquatable<ScopeParameters>
{
    private readonly SortedDictionary<string, object?> _values = new(StringComparer.Ordinal);

    public object? this[string name] => _values.TryGetValue(name, out var v) ? v : null;

    public IEnumerable<KeyValuePair<string, object?>> Values => _values;

    public ScopeParameters Set(string name, object? value)
    {
        _values[name] = value switch
        {
            long[] l => l.Distinct().Order().ToArray(),
            string[] s => s.Distinct().Order(StringComparer.Ordinal).ToArray(),
            _ => value,
        };
        return this;
    }

    /// <summary>A canonical JSON form, carried in cursors.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (name, value) in _values)
            {
                w.WritePropertyName(name);
                switch (value)
                {
                    case null: w.WriteNullValue(); break;
                    case Guid g: w.WriteStringValue(g); break;
                    case string s: w.WriteStringValue(s); break;
                    case long[] l:
                        w.WriteStartArray();
                        foreach (var x in l)
                        {
                            w.WriteNumberValue(x);
                        }

                        w.WriteEndArray();
                        break;
                    case string[] s:
                        w.WriteStartArray();
                        foreach (var x in s)
                        {
                            w.WriteStringValue(x);
                        }

                        w.WriteEndArray();
                        break;
                    default: throw new InvalidOperationException($"unsupported parameter value {value.GetType()}");
                }
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static ScopeParameters FromJson(string json)
    {
        var p = new ScopeParameters();
        using var doc = JsonDocument.Parse(json);
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (!ScopeParameter.All.TryGetValue(prop.Name, out var def))
            {
                continue;
            }

            object? value = prop.Value.ValueKind == JsonValueKind.Null ? null : (def.Type, def.IsList) switch
            {
                (ColumnType.Uuid, false) => prop.Value.GetGuid(),
                (ColumnType.Text, false) => prop.Value.GetString(),
                (ColumnType.Integer, true) => prop.Value.EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                (ColumnType.Text, true) => prop.Value.EnumerateArray().Select(e => e.GetString()!).ToArray(),
                _ => null,
            };
            p.Set(prop.Name, value);
        }

        return p;
    }

    public bool Equals(ScopeParameters? other) => other is not null && ToJson() == other.ToJson();

    public override bool Equals(object? obj) => Equals(obj as ScopeParameters);

    public override int GetHashCode() => ToJson().GetHashCode(StringComparison.Ordinal);
}
