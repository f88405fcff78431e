namespace KhetiSahayak.Sync.Sqlite.Device;

/// <summary>
/// A pull page as the server's UTF-8 JSON answer (PROTOCOL.md 5.2), with its <c>cursor</c> and <c>hasMore</c> already
/// read. The device applies it straight from these bytes, so an initial sync does not turn every value into a .NET
/// object only to turn it back into SQLite's UTF-8. Disposing it releases the buffer the bytes live in.
/// </summary>
public sealed class EncodedPullPage : IDisposable
{
    private IDisposable? _owner;

    /// <param name="json">The whole answer object; properties other than <c>changes</c> are skipped.</param>
    /// <param name="cursor">The page's cursor, saved with its rows.</param>
    /// <param name="hasMore">Whether more pages follow.</param>
    /// <param name="owner">Released on <see cref="Dispose"/>: whatever keeps <paramref name="json"/> alive (a pooled buffer).</param>
    public EncodedPullPage(ReadOnlyMemory<byte> json, string cursor, bool hasMore, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        Json = json;
        Cursor = cursor;
        HasMore = hasMore;
        _owner = owner;
    }

    public ReadOnlyMemory<byte> Json { get; private set; }

    public string Cursor { get; }

    public bool HasMore { get; }

    public void Dispose()
    {
        Json = ReadOnlyMemory<byte>.Empty;
        Interlocked.Exchange(ref _owner, null)?.Dispose();
    }
}
