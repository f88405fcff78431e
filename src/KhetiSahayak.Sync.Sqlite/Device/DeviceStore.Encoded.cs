using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using Microsoft.Data.Sqlite;

namespace KhetiSahayak.Sync.Sqlite.Device;

/// <summary>
/// Applies pull pages straight from the answer's UTF-8 JSON. Values already in the form the device stores them (plain
/// text, lower-case UUIDs, canonical dates and timestamps, plain-ASCII JSON) are bound as the bytes they arrived as;
/// anything else is decoded exactly as <see cref="ApplyPullPageAsync(PullResponse, CancellationToken)"/> would, through
/// <see cref="ValueCodec"/> and <see cref="SqliteValues.ToDb"/>. So the stored rows are the same, byte for byte.
/// </summary>
public sealed partial class DeviceStore
{
    // The client's SyncWire.InvalidResponse: a page that is not a valid sync answer fails the same way either path.
    private const string InvalidResponse = "invalid_response";

    // Raw upserts, prepared once per table like _pullUpserts.
    private readonly Dictionary<(string Table, bool GuardPending), RawStatement> _rawUpserts = [];
    private readonly List<string> _deleteKeys = [];
    private RawStatement? _rawForget;

    /// <summary>
    /// Applies one pulled page given as the server's JSON answer, and stores its cursor, in one transaction: the same
    /// rows, versions and bookkeeping as <see cref="ApplyPullPageAsync(PullResponse, CancellationToken)"/>. A page that
    /// turns out not to be a valid answer throws <see cref="SyncProtocolException"/> and nothing of it is kept.
    /// </summary>
    public async Task<(int Upserts, int Deletes)> ApplyPullPageAsync(EncodedPullPage page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        await using var tx = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken);
        var (replacing, anyPending) = await BeginPageAsync(tx, cancellationToken);
        int upserts, deletes;
        try
        {
            (upserts, deletes) = ApplyEncodedChanges(page.Json.Span, tx, replacing, anyPending);
        }
        catch (JsonException)
        {
            throw new SyncProtocolException(InvalidResponse, "The server's answer is not JSON.");
        }

        await EndPageAsync(tx, page.HasMore, page.Cursor, cancellationToken);
        return (upserts, deletes);
    }

    private void DisposeRawStatements()
    {
        foreach (var statement in _rawUpserts.Values)
        {
            statement.Dispose();
        }

        _rawUpserts.Clear();
        _rawForget?.Dispose();
        _rawForget = null;
    }

    private (int Upserts, int Deletes) ApplyEncodedChanges(ReadOnlySpan<byte> json, SqliteTransaction tx, bool replacing, bool anyPending)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid("no 'changes' array");
        }

        int upserts = 0, deletes = 0;
        var sawChanges = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isChanges = reader.ValueTextEquals("changes"u8);
            reader.Read();
            if (!isChanges)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Invalid("no 'changes' array");
            }

            sawChanges = true;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var (u, d) = ApplyEncodedTable(ref reader, json, tx, replacing, anyPending);
                upserts += u;
                deletes += d;
            }
        }

        return sawChanges ? (upserts, deletes) : throw Invalid("no 'changes' array");
    }

    /// <summary>One element of <c>changes</c>: its rows, then its deletes, as the decoded path applies them.</summary>
    private (int Upserts, int Deletes) ApplyEncodedTable(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, SqliteTransaction tx, bool replacing, bool anyPending)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid("no 'table' string");
        }

        string? name = null;
        TableDefinition? table = null;
        List<string>? columns = null;
        int upserts = 0, rowsAt = -1;
        bool sawRows = false, sawDeletes = false, badDelete = false;
        _deleteKeys.Clear();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("table"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Invalid("no 'table' string");
                table = Scope.TryGetTable(name, out var st) ? st.Table : null;
            }
            else if (reader.ValueTextEquals("columns"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Invalid("no 'columns' array");
                }

                columns = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    columns.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Invalid("a column name that is not a string"));
                }
            }
            else if (reader.ValueTextEquals("rows"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Invalid("no 'rows' array");
                }

                sawRows = true;
                if (name is null || columns is null)
                {
                    // Servers write the table and its columns first; rows that come before them are applied after.
                    rowsAt = checked((int)reader.TokenStartIndex);
                    reader.Skip();
                }
                else if (table is null)
                {
                    reader.Skip();
                }
                else
                {
                    upserts += ApplyEncodedRows(ref reader, json, name, table, columns, replacing, anyPending);
                }
            }
            else if (reader.ValueTextEquals("deletes"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Invalid("no 'deletes' array");
                }

                sawDeletes = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        _deleteKeys.Add(reader.GetString()!);
                    }
                    else
                    {
                        // Only an error for a table this device knows, which may only be named after its deletes.
                        badDelete = true;
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (name is null)
        {
            throw Invalid("no 'table' string");
        }

        if (columns is null)
        {
            throw Invalid("no 'columns' array");
        }

        if (table is null)
        {
            return (0, 0);
        }

        if (!sawRows)
        {
            throw Invalid("no 'rows' array");
        }

        if (rowsAt >= 0)
        {
            var rowsJson = json[rowsAt..];
            var rowsReader = new Utf8JsonReader(rowsJson);
            rowsReader.Read();
            upserts += ApplyEncodedRows(ref rowsReader, rowsJson, name, table, columns, replacing, anyPending);
        }

        if (!sawDeletes)
        {
            throw Invalid("no 'deletes' array");
        }

        if (badDelete)
        {
            throw Invalid($"a delete of '{name}' that is not a string");
        }

        var deletes = 0;
        if (_deleteKeys.Count > 0)
        {
            using var del = Prepared(tx, $"DELETE FROM {Q(table.Name)} WHERE {Q(table.Key)} = @k AND NOT EXISTS (SELECT 1 FROM _ks_pending WHERE tbl = '{table.Name}' AND row_key = @k)", "@k");
            foreach (var key in _deleteKeys)
            {
                del.Parameters[0].Value = key;
                deletes += del.ExecuteNonQuery();
            }
        }

        return (upserts, deletes);
    }

    // Optimized at its first call rather than tiered: an app's first sync runs this loop a hundred thousand times in a
    // process that has just started, and tiering would run most of it as unoptimized, then instrumented, code, and
    // recompile it meanwhile. The same goes for the methods it calls per value.
    /// <summary>A <c>rows</c> array, the reader on its start: each row is bound value by value and upserted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ApplyEncodedRows(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string name, TableDefinition table, List<string> columnNames, bool replacing, bool anyPending)
    {
        var upsert = RawUpsert(table, anyPending);
        var forget = replacing ? RawForget() : null;

        // Page column i goes to table ordinal ordinals[i], or nowhere; table columns the page lacks stay NULL.
        var count = columnNames.Count;
        var ordinals = new int[count];
        for (var i = 0; i < count; i++)
        {
            ordinals[i] = table.TryGetOrdinal(columnNames[i], out var o) ? o : -1;
        }

        upsert.ClearBindings();
        forget?.ClearBindings();
        forget?.BindText(1, table.Name);
        var versionIndex = table.Columns.Count + 1;
        var upserts = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType == JsonTokenType.EndArray)
            {
                throw Invalid($"a row of '{name}' that is not [version, {count} values]");
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var version))
            {
                throw Invalid($"a row version of '{name}' that is not an integer");
            }

            var i = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (i >= count)
                {
                    throw Invalid($"a row of '{name}' that is not [version, {count} values]");
                }

                var ordinal = ordinals[i++];
                if (ordinal < 0)
                {
                    reader.Skip();
                    continue;
                }

                // The key goes to the replacement bookkeeping too, in the same stored form as the row's key.
                var target = forget is not null && ordinal == table.KeyOrdinal ? new BindTarget(upsert, ordinal + 1, forget, 2) : new BindTarget(upsert, ordinal + 1, null, 0);
                BindEncoded(ref reader, json, table.Columns[ordinal], target);
            }

            if (i != count)
            {
                throw Invalid($"a row of '{name}' that is not [version, {count} values]");
            }

            upsert.BindInt64(versionIndex, version);
            upserts += upsert.Execute();
            forget?.Execute();
        }

        return upserts;
    }

    private RawStatement RawUpsert(TableDefinition table, bool guardPending)
    {
        if (!_rawUpserts.TryGetValue((table.Name, guardPending), out var statement))
        {
            statement = new RawStatement(_connection, UpsertSql(table, guardPending));
            try
            {
                // Binding is by index: @p{i} must be parameter i + 1, as SQLite numbers them in order of first use.
                for (var i = 0; i <= table.Columns.Count; i++)
                {
                    if (statement.ParameterIndex(UpsertParameter(i)) != i + 1)
                    {
                        throw new InvalidOperationException($"The upsert of {table.Name} numbers its parameters out of order.");
                    }
                }
            }
            catch
            {
                statement.Dispose();
                throw;
            }

            _rawUpserts[(table.Name, guardPending)] = statement;
        }

        return statement;
    }

    private RawStatement RawForget() => _rawForget ??= new RawStatement(_connection, "DELETE FROM _ks_replace WHERE tbl = ?1 AND row_key = ?2");

    /// <summary>
    /// Binds the value the reader is on (and moves past it) in the form the decoded path stores: the bytes themselves
    /// when they already are that form, otherwise <see cref="ValueCodec.TryFromJson"/> then <see cref="SqliteValues.ToDb"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BindEncoded(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ColumnDefinition column, BindTarget target)
    {
        var token = reader.TokenType;
        if (token == JsonTokenType.Null)
        {
            target.BindNull();
            return;
        }

        switch (column.Type)
        {
            case ColumnType.Text when token == JsonTokenType.String && !reader.ValueIsEscaped && Utf8.IsValid(reader.ValueSpan):
            case ColumnType.Uuid when token == JsonTokenType.String && !reader.ValueIsEscaped && EncodedValues.IsStoredUuid(reader.ValueSpan):
            case ColumnType.Date when token == JsonTokenType.String && !reader.ValueIsEscaped && EncodedValues.IsStoredDate(reader.ValueSpan):
            case ColumnType.Timestamp when token == JsonTokenType.String && !reader.ValueIsEscaped && EncodedValues.IsStoredTimestamp(reader.ValueSpan):
                target.BindText(reader.ValueSpan);
                return;
            case ColumnType.Integer when token == JsonTokenType.Number && reader.TryGetInt64(out var l):
                target.BindInt64(l);
                return;
            case ColumnType.Real when token == JsonTokenType.Number && reader.TryGetDouble(out var d) && double.IsFinite(d):
                target.BindDouble(d);
                return;
            case ColumnType.Boolean when token is JsonTokenType.True or JsonTokenType.False:
                target.BindInt64(token == JsonTokenType.True ? 1L : 0L);
                return;
            case ColumnType.Json when token is JsonTokenType.StartArray or JsonTokenType.StartObject:
                var start = checked((int)reader.TokenStartIndex);
                var value = reader;
                reader.Skip();
                var rawJson = json[start..checked((int)reader.BytesConsumed)];
                if (EncodedValues.IsStoredJson(rawJson))
                {
                    target.BindText(rawJson);
                }
                else
                {
                    BindDecoded(ref value, column, target);
                }

                return;
        }

        BindDecoded(ref reader, column, target);
    }

    /// <summary>The decoded path's own conversion, for values not already in stored form (and its errors for bad ones).</summary>
    private static void BindDecoded(ref Utf8JsonReader reader, ColumnDefinition column, BindTarget target)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        if (!ValueCodec.TryFromJson(column, doc.RootElement, out var value))
        {
            throw Invalid($"a value of column '{column.Name}' that is not a {column.Type.ToString().ToLowerInvariant()}");
        }

        target.BindStored(SqliteValues.ToDb(value));
    }

    private static SyncProtocolException Invalid(string what) => new(InvalidResponse, "The server's answer is not a valid sync answer: " + what + ".");

    /// <summary>Where a value goes: one statement parameter, and optionally a second one.</summary>
    private readonly record struct BindTarget(RawStatement Statement, int Index, RawStatement? Also, int AlsoIndex)
    {
        public void BindNull()
        {
            Statement.BindNull(Index);
            Also?.BindNull(AlsoIndex);
        }

        public void BindText(ReadOnlySpan<byte> utf8)
        {
            Statement.BindText(Index, utf8);
            Also?.BindText(AlsoIndex, utf8);
        }

        public void BindInt64(long value)
        {
            Statement.BindInt64(Index, value);
            Also?.BindInt64(AlsoIndex, value);
        }

        public void BindDouble(double value)
        {
            Statement.BindDouble(Index, value);
            Also?.BindDouble(AlsoIndex, value);
        }

        public void BindStored(object? value)
        {
            Statement.BindStored(Index, value);
            Also?.BindStored(AlsoIndex, value);
        }
    }
}
