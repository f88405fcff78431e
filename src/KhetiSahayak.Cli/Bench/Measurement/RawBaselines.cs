using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using KhetiSahayak.Cli.Bench.Reports;
using KhetiSahayak.Server.Features.Sync;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Sync.Scopes;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>
/// The limits a sync is compared with: how fast the same rows go into an empty SQLite file or through PostgreSQL's
/// COPY, and how small their bare values get under brotli. Rows are generated in chunks outside the timed part, so
/// the rates are the database's, not the data generator's.
/// </summary>
internal static class RawBaselines
{
    /// <summary>The brotli quality of the server's responses (Sync:BrotliQuality, which the bench leaves at its default).</summary>
    public const int ServerBrotliQuality = SyncHostOptions.DefaultBrotliQuality;

    /// <summary>
    /// The quality the server used until it was made configurable (.NET's CompressionLevel.Optimal): bare values are
    /// also measured at it, so the wire's bytes can be compared with the earlier, denser setting.
    /// </summary>
    public const int OptimalBrotliQuality = 4;

    private const int Chunk = 10_000;

    /// <summary>Indic text as UTF-8, as the server writes it (SyncWireResult's encoder).</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>
    /// The best of <paramref name="attempts"/> runs of <see cref="SqliteInsertAsync(string, TableDefinition, IEnumerable{object?[]}, CancellationToken)"/>,
    /// each into a new file: a limit is what the machine can do, so noise from other work only ever lowers it.
    /// </summary>
    public static async Task<RateFigures> BestSqliteInsertAsync(string directory, TableDefinition table, Func<IEnumerable<object?[]>> rows, int attempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        RateFigures? best = null;
        for (var i = 0; i < attempts; i++)
        {
            var path = Path.Combine(directory, $"raw-insert-{i}.db");
            var run = await SqliteInsertAsync(path, table, rows(), cancellationToken);
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            if (best is null || run.RowsPerSecond > best.RowsPerSecond)
            {
                best = run;
            }
        }

        return attempts > 1 ? best! with { Method = best!.Method + $", best of {attempts}" } : best!;
    }

    /// <summary>
    /// Inserts the rows into a new SQLite file at <paramref name="path"/>: a table shaped like the device's (same
    /// column types, the key as primary key, a version column), WAL and synchronous=NORMAL as the device store uses,
    /// one prepared INSERT, one transaction.
    /// </summary>
    public static async Task<RateFigures> SqliteInsertAsync(string path, TableDefinition table, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await conn.OpenAsync(cancellationToken);
        await using (var setup = conn.CreateCommand())
        {
            var columns = table.Columns.Select(c => $"\"{c.Name}\" {SqliteType(c.Type)}{(c.Name == table.Key ? " PRIMARY KEY" : " NULL")}");
            setup.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE \"{table.Name}\" ({string.Join(", ", columns)}, _ks_version INTEGER NULL);";
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        var count = 0L;
        var timed = new Stopwatch();
        timed.Start();
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(cancellationToken);
        await using var insert = conn.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", table.Columns.Select(c => "\"" + c.Name + "\""))}, _ks_version) VALUES ({string.Join(", ", table.Columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))}, @v)";
        for (var i = 0; i < table.Columns.Count; i++)
        {
            insert.Parameters.Add(new SqliteParameter("@p" + i.ToString(CultureInfo.InvariantCulture), null));
        }

        insert.Parameters.Add(new SqliteParameter("@v", 1L));
        insert.Prepare();
        timed.Stop();
        foreach (var chunk in rows.Chunk(Chunk))
        {
            timed.Start();
            foreach (var row in chunk)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    insert.Parameters[i].Value = SqliteValue(row[i]) ?? DBNull.Value;
                }

                // Synchronous on purpose: the raw limit, without even the async wrapper the device store pays.
                insert.ExecuteNonQuery();
            }

            timed.Stop();
            cancellationToken.ThrowIfCancellationRequested();
            count += chunk.Length;
        }

        timed.Start();
        await tx.CommitAsync(cancellationToken);
        timed.Stop();
        return RateFigures.Of("SQLite: one prepared INSERT, one transaction, empty file (WAL, synchronous=NORMAL)", count, timed.Elapsed);
    }

    /// <summary>
    /// Binary COPY of the rows into <paramref name="tableName"/> (catalog columns only; other columns take their
    /// defaults or are stamped by triggers), on one connection.
    /// </summary>
    public static async Task<RateFigures> PostgresCopyAsync(string connectionString, string tableName, TableDefinition table, IEnumerable<object?[]> rows, string method, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        var count = 0L;
        var timed = Stopwatch.StartNew();
        await using (var import = await conn.BeginBinaryImportAsync($"COPY \"{tableName}\" ({string.Join(", ", table.Columns.Select(c => "\"" + c.Name + "\""))}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            timed.Stop();
            foreach (var chunk in rows.Chunk(Chunk))
            {
                timed.Start();
                foreach (var row in chunk)
                {
                    await import.StartRowAsync(cancellationToken);
                    for (var i = 0; i < row.Length; i++)
                    {
                        if (row[i] is null)
                        {
                            await import.WriteNullAsync(cancellationToken);
                        }
                        else
                        {
                            await import.WriteAsync(PostgresValue(row[i]!), PostgresType(table.Columns[i].Type), cancellationToken);
                        }
                    }
                }

                timed.Stop();
                count += chunk.Length;
            }

            timed.Start();
            await import.CompleteAsync(cancellationToken);
        }

        timed.Stop();
        return RateFigures.Of(method, count, timed.Elapsed);
    }

    /// <summary>
    /// Binary COPY of <paramref name="rows"/> encoded by the store's own writer (<see cref="BinaryCopyWriter"/>, the
    /// encoder the bulk path uses), on one connection; null when some value has a form it leaves to Npgsql.
    /// </summary>
    public static async Task<RateFigures?> PostgresDirectCopyAsync(string connectionString, string tableName, TableDefinition table, IReadOnlyList<object?[]> rows, string method, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!BinaryCopyWriter.Supports(table, rows))
        {
            return null;
        }

        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        var timed = Stopwatch.StartNew();
        await BinaryCopyWriter.WriteAsync(conn, $"COPY \"{tableName}\" ({string.Join(", ", table.Columns.Select(c => "\"" + c.Name + "\""))}) FROM STDIN (FORMAT BINARY)", table, rows, cancellationToken);
        timed.Stop();
        return RateFigures.Of(method, rows.Count, timed.Elapsed);
    }

    /// <summary>CREATE TABLE for a plain PostgreSQL table with the catalog columns and key (no sync bookkeeping).</summary>
    public static string PostgresPlainTableSql(string tableName, TableDefinition table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var columns = table.Columns.Select(c => $"\"{c.Name}\" {PostgresSqlType(c.Type)}{(c.Name == table.Key ? " PRIMARY KEY" : c.Nullable ? " NULL" : " NOT NULL")}");
        return $"CREATE TABLE \"{tableName}\" ({string.Join(", ", columns)})";
    }

    /// <summary>
    /// The rows' values as bare JSON arrays (<c>[[v1,v2,...],[...]]</c>: no column names, no versions; Indic text as
    /// UTF-8), compressed as one brotli stream at the server's quality and, in the same pass, at quality 4.
    /// </summary>
    public static BareBrotliFigures BareBrotli(TableDefinition table, IEnumerable<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        var compressed = new ByteCounter();
        var compressedAtOptimal = new ByteCounter();
        long json;
        using (var brotli = new BrotliStream(compressed, Quality(ServerBrotliQuality), leaveOpen: true))
        using (var optimal = new BrotliStream(compressedAtOptimal, Quality(OptimalBrotliQuality), leaveOpen: true))
        {
            var plain = new ByteCounter(new TeeStream(brotli, optimal));
            using (var writer = new Utf8JsonWriter(plain, WriterOptions))
            {
                writer.WriteStartArray();
                foreach (var row in rows)
                {
                    WriteValues(writer, table, row);
                    if (writer.BytesPending > 64 * 1024)
                    {
                        writer.Flush();
                    }
                }

                writer.WriteEndArray();
            }

            json = plain.Count;
        }

        return new BareBrotliFigures(json, compressed.Count, ServerBrotliQuality, "the server's quality (Sync:BrotliQuality default), one stream", compressedAtOptimal.Count);
    }

    /// <summary>Writes one row's values as a JSON array, with the engine's encoding of each column type.</summary>
    public static void WriteValues(Utf8JsonWriter writer, TableDefinition table, object?[] row)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(row);
        writer.WriteStartArray();
        for (var i = 0; i < row.Length; i++)
        {
            ValueCodec.WriteJson(writer, table.Columns[i].Type, row[i]);
        }

        writer.WriteEndArray();
    }

    /// <summary>Brotli size of a byte buffer at the server's quality, in one go.</summary>
    public static long BrotliSize(ReadOnlySpan<byte> data)
    {
        var compressed = new ByteCounter();
        using (var brotli = new BrotliStream(compressed, Quality(ServerBrotliQuality), leaveOpen: true))
        {
            brotli.Write(data);
        }

        return compressed.Count;
    }

    private static BrotliCompressionOptions Quality(int quality) => new() { Quality = quality };

    /// <summary>A value as the SQLite stores keep it (as SqliteValues does: UUIDs, dates and timestamps as text).</summary>
    public static object? SqliteValue(object? value) => value switch
    {
        null => null,
        Guid g => g.ToString("D"),
        bool b => b ? 1L : 0L,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset ts => ts.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        _ => value,
    };

    private static object PostgresValue(object value) => value switch
    {
        DateTimeOffset ts => ts.ToUniversalTime(),
        _ => value,
    };

    private static string SqliteType(ColumnType type) => type switch
    {
        ColumnType.Integer or ColumnType.Boolean => "INTEGER",
        ColumnType.Real => "REAL",
        _ => "TEXT",
    };

    private static string PostgresSqlType(ColumnType type) => type switch
    {
        ColumnType.Uuid => "uuid",
        ColumnType.Integer => "bigint",
        ColumnType.Real => "double precision",
        ColumnType.Boolean => "boolean",
        ColumnType.Date => "date",
        ColumnType.Timestamp => "timestamptz",
        _ => "text",
    };

    private static NpgsqlDbType PostgresType(ColumnType type) => type switch
    {
        ColumnType.Uuid => NpgsqlDbType.Uuid,
        ColumnType.Integer => NpgsqlDbType.Bigint,
        ColumnType.Real => NpgsqlDbType.Double,
        ColumnType.Boolean => NpgsqlDbType.Boolean,
        ColumnType.Date => NpgsqlDbType.Date,
        ColumnType.Timestamp => NpgsqlDbType.TimestampTz,
        _ => NpgsqlDbType.Text,
    };
}
