namespace KhetiSahayak.Cli.Bench.Measurement;

/// <summary>A write-only stream that counts what passes through it, to an inner stream or to nowhere.</summary>
internal sealed class ByteCounter(Stream? inner = null) : Stream
{
    public long Count { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Count;

    public override long Position
    {
        get => Count;
        set => throw new NotSupportedException();
    }

    public override void Flush() => inner?.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Count += buffer.Length;
        inner?.Write(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner?.Dispose();
        }

        base.Dispose(disposing);
    }
}
