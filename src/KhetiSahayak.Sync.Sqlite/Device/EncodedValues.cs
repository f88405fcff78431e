using System.Runtime.CompilerServices;

namespace KhetiSahayak.Sync.Sqlite.Device;

/// <summary>
/// Recognizes JSON string contents that already are what the device stores for their column type, so they can be bound
/// as they are. Each test accepts only text that decoding (<see cref="Engine.ValueCodec.TryFromJson"/>) and storing
/// (<see cref="SqliteValues.ToDb"/>) would give back unchanged; anything else takes that decoding path.
/// </summary>
/// <remarks>
/// Each runs once per value of an initial sync, so each is optimized at its first call (see
/// <c>DeviceStore.ApplyEncodedRows</c>).
/// </remarks>
internal static class EncodedValues
{
    /// <summary>A UUID as <c>Guid.ToString("D")</c> writes it: 8-4-4-4-12 lower-case hex digits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsStoredUuid(ReadOnlySpan<byte> s)
    {
        if (s.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (i is 8 or 13 or 18 or 23)
            {
                if (c != (byte)'-')
                {
                    return false;
                }
            }
            else if (c is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A real calendar date as <c>yyyy-MM-dd</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsStoredDate(ReadOnlySpan<byte> s) => s.Length == 10 && IsDate(s);

    /// <summary>
    /// A UTC timestamp as the device stores it, <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>, naming a real time: microseconds
    /// and 'Z', so normalizing (UTC, whole microseconds) leaves it as it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsStoredTimestamp(ReadOnlySpan<byte> s)
    {
        if (s.Length != 27 || !IsDate(s) || s[10] != (byte)'T' || s[13] != (byte)':' || s[16] != (byte)':' || s[19] != (byte)'.' || s[26] != (byte)'Z')
        {
            return false;
        }

        if (!TwoDigits(s, 11, out var hour) || hour > 23 || !TwoDigits(s, 14, out var minute) || minute > 59 || !TwoDigits(s, 17, out var second) || second > 59)
        {
            return false;
        }

        for (var i = 20; i < 26; i++)
        {
            if (!IsDigit(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A JSON array or object that is its own canonical text: printable ASCII without whitespace or escapes, the same
    /// test <see cref="Engine.ValueCodec"/> applies before it takes such text as it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsStoredJson(ReadOnlySpan<byte> raw)
    {
        foreach (var b in raw)
        {
            if (b is <= (byte)' ' or >= 0x7F or (byte)'\\')
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsDate(ReadOnlySpan<byte> s)
    {
        if (s[4] != (byte)'-' || s[7] != (byte)'-' || !TwoDigits(s, 0, out var century) || !TwoDigits(s, 2, out var yy)
            || !TwoDigits(s, 5, out var month) || !TwoDigits(s, 8, out var day))
        {
            return false;
        }

        var year = (century * 100) + yy;
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TwoDigits(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (!IsDigit(s[at]) || !IsDigit(s[at + 1]))
        {
            return false;
        }

        value = ((s[at] - '0') * 10) + (s[at + 1] - '0');
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';
}
