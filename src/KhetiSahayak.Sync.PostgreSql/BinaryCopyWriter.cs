using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using KhetiSahayak.Sync.Scopes;
using Npgsql;

namespace KhetiSahayak.Sync.PostgreSql;

/// <summary>
/// Encodes rows in PostgreSQL's binary COPY format straight into a raw COPY stream, in chunks of
/// <see cref="ChunkSize"/> bytes, so the server ingests one chunk while the next is encoded.
/// </summary>
/// <remarks>
/// Npgsql's typed importer (<see cref="NpgsqlBinaryImporter"/>) binds every value through a parameter object and an
/// async state machine; for the advisory importer that per-value machinery was about an eighth of the import's client
/// CPU (perf, 100,000 advisories). This writer handles exactly the value forms the stores keep (text and JSON as
/// <see cref="string"/>, <see cref="Guid"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="DateOnly"/>, <see cref="DateTimeOffset"/>) with the wire forms Npgsql sends for them; anything else
/// (see <see cref="Supports"/>) is left to the typed importer. Text is encoded as strict UTF-8, as Npgsql encodes it:
/// a lone surrogate throws before its row is sent, and the COPY is cancelled so nothing of the set is stored.
/// </remarks>
public static class BinaryCopyWriter
{
    /// <summary>Bytes encoded before they are handed to the connection.</summary>
    public const int ChunkSize = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // "PGCOPY\n\377\r\n\0", then flags (int32 0) and the header extension's length (int32 0).
    private static ReadOnlySpan<byte> Header => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static readonly long TimestampEpochTicks = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    private static readonly int DateEpochDay = new DateOnly(2000, 1, 1).DayNumber;

    /// <summary>
    /// True when every value of <paramref name="rows"/> has the form this writer encodes for its column. Infinity-like
    /// extremes (<see cref="DateOnly.MinValue"/>, <see cref="DateTimeOffset.MaxValue"/>, ...) are not: Npgsql maps them
    /// to PostgreSQL's infinities, and only the typed importer should decide that.
    /// </summary>
    public static bool Supports(TableDefinition table, IReadOnlyList<object?[]> rows)
    {
        var columns = table.Columns;
        foreach (var row in rows)
        {
            if (row.Length < columns.Count)
            {
                return false;
            }

            for (var i = 0; i < columns.Count; i++)
            {
                var ok = row[i] switch
                {
                    null => true,
                    string => columns[i].Type is ColumnType.Text or ColumnType.Json,
                    Guid => columns[i].Type == ColumnType.Uuid,
                    long => columns[i].Type == ColumnType.Integer,
                    double => columns[i].Type == ColumnType.Real,
                    bool => columns[i].Type == ColumnType.Boolean,
                    DateOnly d => columns[i].Type == ColumnType.Date && d != DateOnly.MinValue && d != DateOnly.MaxValue,
                    DateTimeOffset t => columns[i].Type == ColumnType.Timestamp && t != DateTimeOffset.MinValue && t != DateTimeOffset.MaxValue,
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Runs <c>COPY target (columns) FROM STDIN (FORMAT BINARY)</c> with the rows' catalog columns. The rows must pass
    /// <see cref="Supports"/>. A failure while encoding or sending cancels the COPY, so it stores none of the rows.
    /// </summary>
    public static async Task WriteAsync(NpgsqlConnection conn, string copyCommand, TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var columns = new ColumnType[table.Columns.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = table.Columns[i].Type;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var copy = await conn.BeginRawBinaryCopyAsync(copyCommand, cancellationToken);
        try
        {
            var used = 0;
            Header.CopyTo(buffer);
            used += Header.Length;
            var next = 0;
            while (true)
            {
                // Encode whole rows into the chunk; a row that does not fit goes first into the next one (grown for a
                // row larger than a chunk). The last chunk waits for the trailer.
                next = Encode(rows, next, columns, ref buffer, ref used);
                if (next == rows.Count && used + 2 <= buffer.Length)
                {
                    break;
                }

                await copy.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
                used = 0;
            }

            BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), -1);
            used += 2;
            await copy.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
        }
        catch
        {
            // Disposing a raw COPY stream ends the COPY normally: cancel it instead, so no partial set is stored.
            try
            {
                await copy.CancelAsync();
                await copy.DisposeAsync();
            }
            catch (Exception ex) when (ex is PostgresException or NpgsqlException or OperationCanceledException or IOException)
            {
                // The cancel is answered with the COPY's error; the exception that made us cancel is the one to report.
            }

            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Ends the COPY: the server's answer (a unique violation, say) is thrown here.
        await copy.DisposeAsync();
    }

    /// <summary>Encodes rows from <paramref name="first"/> until the chunk is full; returns the index of the first row not encoded.</summary>
    private static int Encode(IReadOnlyList<object?[]> rows, int first, ColumnType[] columns, ref byte[] buffer, ref int used)
    {
        var index = first;
        while (index < rows.Count)
        {
            var row = rows[index];
            var size = MaxRowSize(row, columns.Length);
            if (used + size > buffer.Length)
            {
                if (index > first || used > 0)
                {
                    return index;
                }

                // A row larger than the chunk, alone in it.
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(size);
            }

            used = EncodeRow(row, columns, buffer, used);
            index++;
        }

        return index;
    }

    /// <summary>An upper bound of a row's encoded size: the field count, and per field its length and value.</summary>
    private static int MaxRowSize(object?[] row, int count)
    {
        var size = 2;
        for (var i = 0; i < count; i++)
        {
            size += 4 + (row[i] is string text ? StrictUtf8.GetMaxByteCount(text.Length) : 16);
        }

        return size;
    }

    private static int EncodeRow(object?[] row, ColumnType[] columns, byte[] buffer, int at)
    {
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(at), (short)columns.Length);
        at += 2;
        for (var i = 0; i < columns.Length; i++)
        {
            var span = buffer.AsSpan(at + 4);
            int length;
            switch (row[i])
            {
                case null:
                    length = -1;
                    break;
                case string text:
                    length = StrictUtf8.GetBytes(text, span);
                    break;
                case Guid uuid:
                    uuid.TryWriteBytes(span, bigEndian: true, out length);
                    break;
                case long integer:
                    BinaryPrimitives.WriteInt64BigEndian(span, integer);
                    length = 8;
                    break;
                case double real:
                    BinaryPrimitives.WriteDoubleBigEndian(span, real);
                    length = 8;
                    break;
                case bool flag:
                    span[0] = flag ? (byte)1 : (byte)0;
                    length = 1;
                    break;
                case DateOnly date:
                    BinaryPrimitives.WriteInt32BigEndian(span, date.DayNumber - DateEpochDay);
                    length = 4;
                    break;
                case DateTimeOffset timestamp:
                    // Microseconds since 2000-01-01 UTC, the sub-microsecond ticks dropped as Npgsql drops them.
                    BinaryPrimitives.WriteInt64BigEndian(span, (timestamp.UtcTicks - TimestampEpochTicks) / 10);
                    length = 8;
                    break;
                default:
                    throw new InvalidOperationException($"column {i}: values of type {row[i]!.GetType().Name} are not encoded here (Supports was not checked)");
            }

            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at), length);
            at += 4 + Math.Max(length, 0);
        }

        return at;
    }
}
