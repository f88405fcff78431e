using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace KhetiSahayak.Sync.Protocol;

/// <summary>
/// Holds the text cells of the pull pages a caller writes as JSON and then drops (the HTTP answer, a snapshot file):
/// a store copies each cell's UTF-8 bytes into pooled blocks and puts a <see cref="Utf8Text"/> in the row instead of a
/// string. A page of advisories is mostly text; as strings it was most of the server's garbage, decoded from UTF-8
/// only to be encoded back by the JSON writer. Dispose it once the pages are written: the blocks go back to the pool
/// and the page's <see cref="Utf8Text"/> values can no longer be read. Not thread-safe: one page writer at a time.
/// An <see cref="Unpooled"/> buffer keeps texts whose lifetime no one caller knows (an import's titles and bodies).
/// </summary>
public sealed class Utf8TextBuffer : IDisposable
{
    // Below the large-object heap's 85,000 bytes, so a block the pool cannot keep is cheap garbage; a 512 KB page is
    // a handful of blocks.
    private const int BlockSize = 64 * 1024;

    // Throws on ill-formed input instead of substituting U+FFFD, so one pass both validates and counts UTF-16 units
    // (Utf8.IsValid and then GetCharCount read every byte twice). Ill-formed text in a store is rare enough that the
    // exception costs nothing overall.
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly List<byte[]> _blocks = [];
    private readonly bool _pooled;
    private byte[]? _current;
    private int _used;
    private bool _disposed;

    /// <summary>A buffer of pooled blocks, for pages written and then dropped: dispose it once they are written.</summary>
    public Utf8TextBuffer()
        : this(pooled: true)
    {
    }

    private Utf8TextBuffer(bool pooled) => _pooled = pooled;

    /// <summary>
    /// A buffer whose blocks are ordinary arrays, for texts whose lifetime no one caller knows (the rows of an import,
    /// held until their batch is written): a block lives as long as a text in it does, and disposing the buffer
    /// changes nothing. Texts still share blocks, so there is one array per 64 KB of text rather than one per text.
    /// </summary>
    public static Utf8TextBuffer Unpooled() => new(pooled: false);

    /// <summary>
    /// Copies <paramref name="utf8"/> into the buffer as a <see cref="Utf8Text"/>, or gives null when the bytes are not
    /// well-formed UTF-8: the caller then keeps the string decoding gives (with U+FFFD), as it would without a buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Utf8Text? TryAdd(ReadOnlySpan<byte> utf8)
    {
        ThrowIfDisposed();
        int utf16Length;
        try
        {
            utf16Length = Strict.GetCharCount(utf8);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        if (_current is null || _current.Length - _used < utf8.Length)
        {
            if (_pooled)
            {
                _current = ArrayPool<byte>.Shared.Rent(Math.Max(BlockSize, utf8.Length));
                _blocks.Add(_current);
            }
            else
            {
                // Not remembered: the buffer must not keep blocks alive that no text uses any more.
                _current = new byte[Math.Max(BlockSize, utf8.Length)];
            }

            _used = 0;
        }

        var offset = _used;
        utf8.CopyTo(_current.AsSpan(offset));
        _used += utf8.Length;
        return new Utf8Text(this, _current, offset, utf8.Length, utf16Length);
    }

    public void Dispose()
    {
        if (_disposed || !_pooled)
        {
            return;
        }

        _disposed = true;
        foreach (var block in _blocks)
        {
            ArrayPool<byte>.Shared.Return(block);
        }

        _blocks.Clear();
        _current = null;
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
