using System.Globalization;
using System.Runtime.CompilerServices;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace KhetiSahayak.Sync.Sqlite;

/// <summary>
/// Reads the rows of a pull query straight off the SQLite statement. A pull reads every cell of hundreds of thousands
/// of rows; through <see cref="SqliteDataReader"/> each cell cost a null check, a storage-class lookup and a typed get,
/// each a separate native call behind the reader's own bookkeeping, and that was most of a page's server time while
/// SQLite's own work was a small part (measured with kheti bench initial-sync). Here each cell is one storage-class
/// call and one value call, and UUIDs parse from their UTF-8 bytes. The values are those
/// <see cref="SqliteValues.Read(ColumnType, System.Data.Common.DbDataReader, int)"/> gives; with a
/// <see cref="Utf8TextBuffer"/>, text and JSON cells come as <see cref="Utf8Text"/> standing for the same strings.
/// </summary>
internal static class SqliteChangeReader
{
    // Per row of a page: optimized at its first call rather than tiered up, so a node that has just started (a
    // scale-out at a sowing peak, the bench's in-process server) serves its first big pulls with optimized code instead
    // of unoptimized and instrumented code (see DeviceStore.ApplyEncodedRows).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<ChangeRow> Read(SqliteConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters, TableDefinition table, bool withValues, Utf8TextBuffer? text, CancellationToken cancellationToken)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        var rc = raw.sqlite3_prepare_v2(db, sql, out var stmt);
        using (stmt)
        {
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            Bind(stmt, db, parameters);
            var rows = new List<ChangeRow>();
            var columns = table.Columns;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                rc = raw.sqlite3_step(stmt);
                if (rc == raw.SQLITE_DONE)
                {
                    return rows;
                }

                if (rc != raw.SQLITE_ROW)
                {
                    SqliteException.ThrowExceptionForRC(rc, db);
                }

                var version = raw.sqlite3_column_int64(stmt, 1);
                if (!withValues || raw.sqlite3_column_int64(stmt, 2) != 0)
                {
                    var deletedKey = SqliteValues.Read(ColumnType.Uuid, stmt, 0) is Guid k ? k.ToString() : throw new InvalidOperationException("row without key");
                    rows.Add(new ChangeRow(deletedKey, version, true, null));
                    continue;
                }

                var values = new object?[columns.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = SqliteValues.Read(columns[i].Type, stmt, 3 + i, text);
                }

                var key = values[table.KeyOrdinal] is Guid g ? g.ToString() : throw new InvalidOperationException("row without key");
                rows.Add(new ChangeRow(key, version, false, values));
            }
        }
    }

    /// <summary>Binds by name as <see cref="SqliteCommand"/> does for <c>@name</c>; a parameter the SQL names but the bag lacks is an error.</summary>
    private static void Bind(sqlite3_stmt stmt, sqlite3 db, IReadOnlyDictionary<string, object?> parameters)
    {
        var count = raw.sqlite3_bind_parameter_count(stmt);
        for (var i = 1; i <= count; i++)
        {
            var name = raw.sqlite3_bind_parameter_name(stmt, i).utf8_to_string();
            if (name is null || name.Length < 2 || !parameters.TryGetValue(name[1..], out var value))
            {
                throw new InvalidOperationException($"no value for the SQL parameter {name}");
            }

            var rc = value switch
            {
                null => raw.sqlite3_bind_null(stmt, i),
                long l => raw.sqlite3_bind_int64(stmt, i, l),
                int n => raw.sqlite3_bind_int64(stmt, i, n),
                bool b => raw.sqlite3_bind_int64(stmt, i, b ? 1 : 0),
                double d => raw.sqlite3_bind_double(stmt, i, d),
                string s => raw.sqlite3_bind_text(stmt, i, s),
                _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"unsupported parameter type {value.GetType()} for {name}"), nameof(parameters)),
            };
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }
        }
    }
}
