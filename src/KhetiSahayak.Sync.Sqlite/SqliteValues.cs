using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace KhetiSahayak.Sync.Sqlite;

/// <summary>How engine values are stored in SQLite (device and server alike): UUIDs, dates and timestamps as text.</summary>
internal static class SqliteValues
{
    public static object? ToDb(object? value) => value switch
    {
        null => null,
        Guid g => g.ToString("D"),
        bool b => b ? 1L : 0L,
        Utf8Text text => text.ToString(),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset ts => ts.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        _ => value,
    };

    public static object? FromDb(ColumnType type, object? raw)
    {
        if (raw is null or DBNull)
        {
            return null;
        }

        return type switch
        {
            ColumnType.Uuid => Guid.Parse((string)raw),
            ColumnType.Integer => Convert.ToInt64(raw, CultureInfo.InvariantCulture),
            ColumnType.Real => Convert.ToDouble(raw, CultureInfo.InvariantCulture),
            ColumnType.Boolean => Convert.ToInt64(raw, CultureInfo.InvariantCulture) != 0,
            ColumnType.Date => DateOnly.ParseExact((string)raw, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            ColumnType.Timestamp => DateTimeOffset.Parse((string)raw, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
            _ => Convert.ToString(raw, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// Reads a column as the engine's CLR value with the reader's typed getters: the same values as
    /// <see cref="FromDb"/> over <c>GetValue</c>, without boxing each cell and converting it back. A cell stored with
    /// another storage class than its column's (a hand-edited file) goes the general way.
    /// </summary>
    public static object? Read(ColumnType type, DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var storedType = reader.GetFieldType(ordinal);
        switch (type)
        {
            case ColumnType.Text or ColumnType.Json when storedType == typeof(string):
                return reader.GetString(ordinal);
            case ColumnType.Uuid when storedType == typeof(string):
                return Guid.Parse(reader.GetString(ordinal));
            case ColumnType.Integer when storedType == typeof(long):
                return reader.GetInt64(ordinal);
            case ColumnType.Boolean when storedType == typeof(long):
                return reader.GetInt64(ordinal) != 0;
            case ColumnType.Real when storedType == typeof(double):
                return reader.GetDouble(ordinal);
            default:
                return FromDb(type, reader.GetValue(ordinal));
        }
    }

    /// <summary>
    /// The same value as <see cref="Read(ColumnType, DbDataReader, int)"/>, read from a statement the caller steps:
    /// text decodes as <see cref="SqliteDataReader.GetString"/> does (invalid UTF-8 becomes U+FFFD), and a cell stored
    /// with another storage class than its column's goes through <see cref="FromDb"/> like the reader's GetValue.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static object? Read(ColumnType type, sqlite3_stmt stmt, int ordinal)
    {
        var storage = raw.sqlite3_column_type(stmt, ordinal);
        switch (storage)
        {
            case raw.SQLITE_NULL:
                return null;
            case raw.SQLITE_TEXT when type is ColumnType.Text or ColumnType.Json:
                return Encoding.UTF8.GetString(raw.sqlite3_column_blob(stmt, ordinal));
            case raw.SQLITE_TEXT when type == ColumnType.Uuid:
                return Guid.Parse(raw.sqlite3_column_blob(stmt, ordinal));
            case raw.SQLITE_INTEGER when type == ColumnType.Integer:
                return raw.sqlite3_column_int64(stmt, ordinal);
            case raw.SQLITE_INTEGER when type == ColumnType.Boolean:
                return raw.sqlite3_column_int64(stmt, ordinal) != 0;
            case raw.SQLITE_FLOAT when type == ColumnType.Real:
                return raw.sqlite3_column_double(stmt, ordinal);
            case raw.SQLITE_INTEGER:
                return FromDb(type, raw.sqlite3_column_int64(stmt, ordinal));
            case raw.SQLITE_FLOAT:
                return FromDb(type, raw.sqlite3_column_double(stmt, ordinal));
            case raw.SQLITE_TEXT:
                return FromDb(type, Encoding.UTF8.GetString(raw.sqlite3_column_blob(stmt, ordinal)));
            default:
                return FromDb(type, raw.sqlite3_column_blob(stmt, ordinal).ToArray());
        }
    }

    /// <summary>
    /// As <see cref="Read(ColumnType, sqlite3_stmt, int)"/>, but a text or JSON cell stored as well-formed UTF-8 comes
    /// as a <see cref="Utf8Text"/> in <paramref name="text"/>, its bytes copied straight from SQLite's; it stands for
    /// the same string. Ill-formed text decodes to a string with U+FFFD as before, so the page JSON is the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static object? Read(ColumnType type, sqlite3_stmt stmt, int ordinal, Utf8TextBuffer? text)
    {
        if (text is not null && type is ColumnType.Text or ColumnType.Json && raw.sqlite3_column_type(stmt, ordinal) == raw.SQLITE_TEXT)
        {
            var utf8 = raw.sqlite3_column_blob(stmt, ordinal);
            return (object?)text.TryAdd(utf8) ?? Encoding.UTF8.GetString(utf8);
        }

        return Read(type, stmt, ordinal);
    }

    /// <summary>Reads a value from a JSON object SQLite built with json_object() over stored values.</summary>
    public static object? FromStoredJson(ColumnType type, JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => FromDb(type, json.GetString()),
        JsonValueKind.Number when type == ColumnType.Real => json.GetDouble(),
        JsonValueKind.Number => FromDb(type, json.GetInt64()),
        _ => FromDb(type, json.GetRawText()),
    };

    public static string SqlType(ColumnType type) => type switch
    {
        ColumnType.Integer => "INTEGER",
        ColumnType.Real => "REAL",
        ColumnType.Boolean => "INTEGER",
        _ => "TEXT",
    };
}
