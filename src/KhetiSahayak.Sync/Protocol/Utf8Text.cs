using System.Text;

namespace KhetiSahayak.Sync.Protocol;

/// <summary>
/// A text (or JSON) value kept as UTF-8 bytes inside a <see cref="Utf8TextBuffer"/>: a cell of a pull page, as the
/// store gave it, so a page written as JSON copies it through instead of decoding each cell to a string and encoding
/// it back; or a text of an import's rows, as the input file gave it, so PostgreSQL's COPY sends it as it is. It
/// stands for the string <see cref="ToString"/> gives (<see cref="Engine.ValueCodec.AreEqual"/> compares it so, and the
/// stores' parameters take that string), and only as long as its buffer is not disposed.
/// </summary>
public sealed class Utf8Text
{
    private readonly Utf8TextBuffer _owner;
    private readonly byte[] _block;
    private readonly int _offset;
    private readonly int _length;

    internal Utf8Text(Utf8TextBuffer owner, byte[] block, int offset, int length, int utf16Length)
    {
        _owner = owner;
        _block = block;
        _offset = offset;
        _length = length;
        Utf16Length = utf16Length;
    }

    /// <summary>The text's bytes: well-formed UTF-8 (the buffer takes no other).</summary>
    public ReadOnlySpan<byte> Utf8
    {
        get
        {
            _owner.ThrowIfDisposed();
            return _block.AsSpan(_offset, _length);
        }
    }

    /// <summary>The length of the same text as a .NET string, in UTF-16 code units.</summary>
    public int Utf16Length { get; }

    public override string ToString() => Encoding.UTF8.GetString(Utf8);
}
