using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace KhetiSahayak.Sync.Sqlite.Device;

/// <summary>
/// A statement prepared with SQLite's own API on the device's connection, so values can be bound as the UTF-8 bytes
/// they arrive as. It runs inside whatever transaction the connection has open; it is reset after every step, so it
/// never holds a transaction's commit up.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private const int PreparePersistent = 0x01;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The device connection is not open.");
        var rc = raw.sqlite3_prepare_v3(_db, sql, PreparePersistent, out var stmt);
        if (rc != raw.SQLITE_OK)
        {
            stmt?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        _stmt = stmt!;
    }

    /// <summary>The 1-based index of a named parameter, which must exist.</summary>
    public int ParameterIndex(string name)
    {
        var index = raw.sqlite3_bind_parameter_index(_stmt, name);
        return index > 0 ? index : throw new InvalidOperationException($"The statement has no parameter {name}.");
    }

    public void ClearBindings() => raw.sqlite3_clear_bindings(_stmt);

    public void BindNull(int index) => Check(raw.sqlite3_bind_null(_stmt, index));

    public void BindInt64(int index, long value) => Check(raw.sqlite3_bind_int64(_stmt, index, value));

    public void BindDouble(int index, double value) => Check(raw.sqlite3_bind_double(_stmt, index, value));

    /// <summary>Binds UTF-8 text; SQLite copies it, so the bytes may be reused at once.</summary>
    public void BindText(int index, ReadOnlySpan<byte> utf8) =>
        // An empty span pins to a null pointer, which SQLite would bind as NULL rather than as ''.
        Check(utf8.IsEmpty ? raw.sqlite3_bind_text(_stmt, index, string.Empty) : raw.sqlite3_bind_text(_stmt, index, utf8));

    public void BindText(int index, string value) => Check(raw.sqlite3_bind_text(_stmt, index, value));

    /// <summary>Binds a value as <see cref="SqliteValues.ToDb"/> gives it: null, text, an integer or a real.</summary>
    public void BindStored(int index, object? value)
    {
        switch (value)
        {
            case null: BindNull(index); break;
            case string s: BindText(index, s); break;
            case long l: BindInt64(index, l); break;
            case double d: BindDouble(index, d); break;
            default: throw new ArgumentException($"unsupported stored value type {value.GetType()}", nameof(value));
        }
    }

    /// <summary>Runs the statement to its end and resets it; returns the rows it changed itself.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_stmt);
        var changes = rc == raw.SQLITE_DONE ? raw.sqlite3_changes(_db) : 0;
        raw.sqlite3_reset(_stmt);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return changes;
    }

    public void Dispose() => _stmt.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
