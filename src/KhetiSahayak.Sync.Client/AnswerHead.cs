using System.Buffers;
using System.Text.Json;

namespace KhetiSahayak.Sync.Client;

/// <summary>
/// Reads an answer body to its end while watching its start: when the answer opens with <c>cursor</c> and
/// <c>hasMore</c> (servers write them before the rows, PROTOCOL.md 5.2), the caller hears them as soon as they have
/// arrived. An answer that starts with anything else (an older server, push results) is just read.
/// </summary>
internal static class AnswerHead
{
    private const int Chunk = 64 * 1024;

    /// <summary>
    /// Reads the whole answer into a pooled buffer the returned <see cref="Answer"/> owns. <paramref name="onHead"/>,
    /// when given, hears the page's cursor and hasMore as soon as they have arrived.
    /// </summary>
    public static async Task<Answer> ReadAsync(Stream stream, Action<string, bool>? onHead, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            var length = 0;
            var watching = true;
            string? headCursor = null;
            var headHasMore = false;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (watching)
                {
                    var (state, cursor, hasMore) = Scan(buffer.AsSpan(0, length));
                    if (state != HeadState.Incomplete)
                    {
                        watching = false;
                        if (state == HeadState.Found)
                        {
                            (headCursor, headHasMore) = (cursor, hasMore);
                            onHead?.Invoke(cursor!, hasMore);
                        }
                    }
                }
            }

            var answer = new Answer(buffer, length, headCursor, headHasMore);
            buffer = null;
            return answer;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    internal enum HeadState
    {
        Incomplete,
        Found,
        Absent,
    }

    /// <summary>Looks for <c>cursor</c> and <c>hasMore</c> among the first properties of the answer object.</summary>
    internal static (HeadState State, string? Cursor, bool HasMore) Scan(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, default);
        string? cursor = null;
        bool? hasMore = null;
        try
        {
            if (!reader.Read())
            {
                return (HeadState.Incomplete, null, false);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return (HeadState.Absent, null, false);
            }

            while (cursor is null || hasMore is null)
            {
                if (!reader.Read())
                {
                    return (HeadState.Incomplete, null, false);
                }

                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    return (HeadState.Absent, null, false);
                }

                var isCursor = reader.ValueTextEquals("cursor"u8);
                var isHasMore = !isCursor && reader.ValueTextEquals("hasMore"u8);
                if (!isCursor && !isHasMore)
                {
                    return (HeadState.Absent, null, false);
                }

                if (!reader.Read())
                {
                    return (HeadState.Incomplete, null, false);
                }

                if (isCursor && reader.TokenType == JsonTokenType.String)
                {
                    cursor = reader.GetString();
                }
                else if (isHasMore && reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    hasMore = reader.GetBoolean();
                }
                else
                {
                    return (HeadState.Absent, null, false);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the full parse reports it.
            return (HeadState.Absent, null, false);
        }

        return (HeadState.Found, cursor, hasMore.Value);
    }
}
