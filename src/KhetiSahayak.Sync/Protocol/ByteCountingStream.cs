namespace KhetiSahayak.Sync.Protocol;

/// <summary>
/// Passes bytes through and counts them, so bytes on the wire are measured where they flow: the server counts
/// request and response bodies, the device SDK counts what its sockets carry.
/// </summary>
/// <param name="inner">The stream to wrap.</param>
/// <param name="onRead">Told the size of every read, e.g. to add it to shared counters.</param>
/// <param name="onWrite">Told the size of every write.</param>
/// <param name="leaveOpen">Whether disposing this stream leaves <paramref name="inner"/> open.</param>
public sealed class ByteCountingStream(Stream inner, Action<int>? onRead = null, Action<int>? onWrite = null, bool leaveOpen = false) : Stream
{
    private long _read;
    private long _written;

    public long BytesRead => Interlocked.Read(ref _read);

    public long BytesWritten => Interlocked.Read(ref _written);

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => CountRead(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        CountRead(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        CountWrite(count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        CountWrite(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int CountRead(int n)
    {
        Interlocked.Add(ref _read, n);
        onRead?.Invoke(n);
        return n;
    }

    private void CountWrite(int n)
    {
        Interlocked.Add(ref _written, n);
        onWrite?.Invoke(n);
    }
}
