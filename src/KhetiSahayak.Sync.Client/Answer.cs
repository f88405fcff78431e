using System.Buffers;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Sqlite.Device;

namespace KhetiSahayak.Sync.Client;

/// <summary>
/// A successful answer's whole body, in a pooled buffer that goes back to the pool on <see cref="Dispose"/>, with the
/// <c>cursor</c> and <c>hasMore</c> it started with when it did (PROTOCOL.md 5.2).
/// </summary>
internal sealed class Answer : IDisposable
{
    private byte[]? _buffer;

    public Answer(byte[] pooledBuffer, int length, string? headCursor, bool headHasMore)
    {
        _buffer = pooledBuffer;
        Length = length;
        HeadCursor = headCursor;
        HeadHasMore = headHasMore;
    }

    public int Length { get; }

    /// <summary>The cursor the answer opened with, or null when it did not open with a cursor and hasMore.</summary>
    public string? HeadCursor { get; }

    public bool HeadHasMore { get; }

    public ReadOnlyMemory<byte> Json => (_buffer ?? throw new ObjectDisposedException(nameof(Answer))).AsMemory(0, Length);

    /// <summary>Parses the body; the document reads this answer's buffer, so it must be disposed first.</summary>
    public JsonDocument Parse()
    {
        try
        {
            return JsonDocument.Parse(Json);
        }
        catch (JsonException)
        {
            // A captive portal's HTML page, say: not something a retry fixes.
            throw new SyncProtocolException(SyncWire.InvalidResponse, "The server's answer is not JSON.");
        }
    }

    /// <summary>
    /// This answer as a pull page the device applies from its bytes; the page owns this answer from then on. An answer
    /// that did not open with its cursor and hasMore (an older server) is parsed once to find them.
    /// </summary>
    public EncodedPullPage ToPage()
    {
        if (HeadCursor is { } cursor)
        {
            return new EncodedPullPage(Json, cursor, HeadHasMore, this);
        }

        using (var doc = Parse())
        {
            var (pageCursor, hasMore) = SyncWire.ReadPageHead(doc.RootElement);
            return new EncodedPullPage(Json, pageCursor, hasMore, this);
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
