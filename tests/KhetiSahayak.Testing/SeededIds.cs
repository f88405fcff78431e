namespace KhetiSahayak.Testing;

/// <summary>
/// UUIDv7-shaped ids drawn from a seeded <see cref="Random"/>, so a seed replays the same keys and therefore the same
/// key order and page boundaries. Like <see cref="Guid.CreateVersion7()"/> they sort by creation: the 48-bit
/// millisecond field moves forward by at least one on every id, so ids are strictly increasing whatever their random
/// bits are.
/// </summary>
public sealed class SeededIds(Random random)
{
    private long _millis = new DateTimeOffset(2026, 6, 15, 4, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public Guid Next()
    {
        _millis += 1 + random.Next(16);
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes[6..]);
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(_millis >> (8 * (5 - i)));
        }

        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F)); // version 7
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
