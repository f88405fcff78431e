using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Engine;

/// <summary>
/// Converts column values between JSON and the engine's CLR representation (Guid, string, long, double, bool,
/// DateOnly, DateTimeOffset in UTC, JSON as canonical text), and compares them.
/// </summary>
public static class ValueCodec
{
    // Indic text stays as UTF-8 rather than \uXXXX escapes: half the bytes, on every pull.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads a JSON value as the column's CLR value; false when the JSON does not fit the type.</summary>
    public static bool TryFromJson(ColumnDefinition column, JsonElement json, out object? value)
    {
        value = null;
        if (json.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return true;
        }

        switch (column.Type)
        {
            case ColumnType.Uuid:
                if (json.ValueKind == JsonValueKind.String && Guid.TryParse(json.GetString(), out var g))
                {
                    value = g;
                    return true;
                }

                return false;
            case ColumnType.Text:
                if (json.ValueKind == JsonValueKind.String)
                {
                    value = json.GetString();
                    return true;
                }

                return false;
            case ColumnType.Integer:
                if (json.ValueKind == JsonValueKind.Number && json.TryGetInt64(out var l))
                {
                    value = l;
                    return true;
                }

                return false;
            case ColumnType.Real:
                if (json.ValueKind == JsonValueKind.Number && json.TryGetDouble(out var d) && double.IsFinite(d))
                {
                    value = d;
                    return true;
                }

                return false;
            case ColumnType.Boolean:
                if (json.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    value = json.GetBoolean();
                    return true;
                }

                return false;
            case ColumnType.Date:
                if (json.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(json.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    value = date;
                    return true;
                }

                return false;
            case ColumnType.Timestamp:
                if (json.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(json.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var ts)
                    && json.GetString()!.Contains('T', StringComparison.Ordinal))
                {
                    value = NormalizeTimestamp(ts);
                    return true;
                }

                return false;
            case ColumnType.Json:
                if (json.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
                {
                    value = CanonicalJson(json);
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// A JSON array or object as the canonical text <see cref="JsonSerializer"/> writes with the relaxed encoder. Text
    /// that is already canonical is taken as it is: printable ASCII without whitespace or escapes re-serializes to the
    /// same bytes (the usual case: codes and short names written by this codec), so it skips a serializer pass per value.
    /// </summary>
    private static string CanonicalJson(JsonElement json)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(json);
        foreach (var b in raw)
        {
            if (b is <= (byte)' ' or >= 0x7F or (byte)'\\')
            {
                return JsonSerializer.Serialize(json, Relaxed);
            }
        }

        return System.Text.Encoding.ASCII.GetString(raw);
    }

    /// <summary>Timestamps are kept in UTC with microsecond precision, the finest both stores keep.</summary>
    public static DateTimeOffset NormalizeTimestamp(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    // Per value of a page: optimized at its first call rather than tiered up, so a node that has just started (a
    // scale-out at a sowing peak, the bench's in-process server) serves its first big pulls with optimized code instead
    // of unoptimized and instrumented code (see DeviceStore.ApplyEncodedRows).
    /// <summary>Writes a CLR value as JSON.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteJson(Utf8JsonWriter writer, ColumnType type, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case Guid g: writer.WriteStringValue(g); break;
            case string s when type == ColumnType.Json: writer.WriteRawValue(s, skipInputValidation: false); break;
            case string s: writer.WriteStringValue(s); break;

            // The same JSON as the string it stands for: the writer escapes UTF-8 input as it escapes UTF-16 (tested
            // in ValueCodecTests), and the buffer takes only well-formed UTF-8.
            case Utf8Text t when type == ColumnType.Json: writer.WriteRawValue(t.Utf8, skipInputValidation: false); break;
            case Utf8Text t: writer.WriteStringValue(t.Utf8); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d: writer.WriteNumberValue(d); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case DateOnly date: writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset ts: writer.WriteStringValue(ts.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)); break;
            default: throw new ArgumentException($"unsupported value type {value.GetType()}", nameof(value));
        }
    }

    /// <summary>A JSON element for a CLR value (used by in-process clients and the ledger).</summary>
    public static JsonElement ToJsonElement(ColumnType type, object? value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, type, value);
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    /// <summary>Serializes named values as a JSON object (for the conflict ledger).</summary>
    public static string ToJsonObject(TableDefinition table, IEnumerable<KeyValuePair<string, object?>> values)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Relaxed.Encoder }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in values)
            {
                writer.WritePropertyName(name);
                var type = table.TryGetOrdinal(name, out var o) ? table.Columns[o].Type : ColumnType.Text;
                WriteJson(writer, type, value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Value equality as the engine sees it (JSON compared structurally).</summary>
    public static bool AreEqual(ColumnType type, object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        // A Utf8Text stands for the string it decodes to.
        if (a is Utf8Text ua && b is Utf8Text ub && ua.Utf8.SequenceEqual(ub.Utf8))
        {
            return true;
        }

        if (a is Utf8Text ta)
        {
            a = ta.ToString();
        }

        if (b is Utf8Text tb)
        {
            b = tb.ToString();
        }

        if (type == ColumnType.Json && a is string ja && b is string jb)
        {
            if (ja == jb)
            {
                return true;
            }

            try
            {
                using var da = JsonDocument.Parse(ja);
                using var db = JsonDocument.Parse(jb);
                return JsonElement.DeepEquals(da.RootElement, db.RootElement);
            }
            catch (JsonException)
            {
                return false;
            }
        }

        return a.Equals(b);
    }

    /// <summary>An approximate encoded size, used to bound pages in bytes.</summary>
    public static int EstimateSize(object? value) => value switch
    {
        null => 4,
        string s => s.Length + 2 + (s.Length / 2),

        // As the string it stands for, so a page holds the same rows either way.
        Utf8Text t => t.Utf16Length + 2 + (t.Utf16Length / 2),
        Guid => 38,
        long => 8,
        double => 12,
        bool => 5,
        DateOnly => 12,
        DateTimeOffset => 30,
        _ => 16,
    };
}
