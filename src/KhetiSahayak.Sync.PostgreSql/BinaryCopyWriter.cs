using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using KhetiSahayak.Sync.Protocol;
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
/// <see cref="string"/> or <see cref="Utf8Text"/>, <see cref="Guid"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/>, <see cref="DateOnly"/>, <see cref="DateTimeOffset"/>) with the wire forms Npgsql sends for
/// them; anything else (see <see cref="Supports"/>) is left to the typed importer. Text is encoded as strict UTF-8, as
/// Npgsql encodes it: a lone surrogate throws before its row is sent, and the COPY is cancelled so nothing of the set
/// is stored. A <see cref="Utf8Text"/> is already well-formed UTF-8 and is copied as it is.
/// </remarks>
public static class BinaryCopyWriter
{
    /// <summary>Bytes encoded before they are handed to the connection.</summary>
    public const int ChunkSize = 64 * 1024;

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
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);

        // One type test per value, against the column's type read once: this runs over every row of every bulk write.
        var columns = ColumnTypes(table);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Length < columns.Length)
            {
                return false;
            }

            for (var i = 0; i < columns.Length; i++)
            {
                var value = row[i];
                var ok = value is null || columns[i] switch
                {
                    ColumnType.Text or ColumnType.Json => value is string or Utf8Text,
                    ColumnType.Uuid => value is Guid,
                    ColumnType.Integer => value is long,
                    ColumnType.Real => value is double,
                    ColumnType.Boolean => value is bool,
                    ColumnType.Date => value is DateOnly d && d != DateOnly.MinValue && d != DateOnly.MaxValue,
                    ColumnType.Timestamp => value is DateTimeOffset t && t != DateTimeOffset.MinValue && t != DateTimeOffset.MaxValue,
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

    private static ColumnType[] ColumnTypes(TableDefinition table)
    {
        var columns = new ColumnType[table.Columns.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = table.Columns[i].Type;
        }

        return columns;
    }

    /// <summary>
    /// Runs <c>COPY target (columns) FROM STDIN (FORMAT BINARY)</c> with the rows' catalog columns. The rows must pass
    /// <see cref="Supports"/>. A failure while encoding or sending cancels the COPY, so it stores none of the rows.
    /// </summary>
    public static async Task WriteAsync(NpgsqlConnection conn, string copyCommand, TableDefinition table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var columns = ColumnTypes(table);
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
            // Each row is encoded straight into the chunk's free space (one pass over its text); a row that does not fit
            // leaves the chunk as it was and starts the next one.
            var row = rows[index];
            var end = EncodeRow(row, columns, buffer, used);
            if (end < 0)
            {
                if (index > first || used > 0)
                {
                    return index;
                }

                // A row larger than the chunk, alone in it.
                var size = MaxRowSize(row, columns.Length);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(size);
                end = EncodeRow(row, columns, buffer, used);
            }

            used = end;
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
            size += 4 + row[i] switch
            {
                string text => Encoding.UTF8.GetMaxByteCount(text.Length),
                Utf8Text utf8 => utf8.Utf8.Length,
                _ => 16,
            };
        }

        return size;
    }

    /// <summary>
    /// Encodes one row at <paramref name="at"/>; returns where it ends, or -1 when it does not fit in the buffer (what
    /// was written past <paramref name="at"/> is then garbage the next row or chunk overwrites).
    /// </summary>
    private static int EncodeRow(object?[] row, ColumnType[] columns, byte[] buffer, int at)
    {
        // Fixed-size fields are at most 16 bytes; text is checked by the transcoder itself.
        const int LargestFixed = 4 + 16;
        if (buffer.Length - at < 2)
        {
            return -1;
        }

        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(at), (short)columns.Length);
        at += 2;
        for (var i = 0; i < columns.Length; i++)
        {
            var value = row[i];
            if (value is string text)
            {
                if (buffer.Length - at < 4)
                {
                    return -1;
                }

                var status = Utf8.FromUtf16(text, buffer.AsSpan(at + 4), out _, out var written, replaceInvalidSequences: false);
                if (status == OperationStatus.DestinationTooSmall)
                {
                    return -1;
                }

                if (status != OperationStatus.Done)
                {
                    throw new EncoderFallbackException($"column {i}: the text is not valid UTF-16 (a lone surrogate); PostgreSQL stores UTF-8 only");
                }

                BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at), written);
                at += 4 + written;
                continue;
            }

            if (value is Utf8Text utf8)
            {
                // Text the caller already holds as UTF-8 (the advisory importer's titles and bodies): no transcoding.
                var bytes = utf8.Utf8;
                if (buffer.Length - at < 4 + bytes.Length)
                {
                    return -1;
                }

                BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at), bytes.Length);
                bytes.CopyTo(buffer.AsSpan(at + 4));
                at += 4 + bytes.Length;
                continue;
            }

            if (buffer.Length - at < LargestFixed)
            {
                return -1;
            }

            var span = buffer.AsSpan(at + 4);
            int length;
            switch (value)
            {
                case null:
                    length = -1;
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
                    throw new InvalidOperationException($"column {i}: values of type {value.GetType().Name} are not encoded here (Supports was not checked)");
            }

            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at), length);
            at += 4 + Math.Max(length, 0);
        }

        return at;
    }
}
