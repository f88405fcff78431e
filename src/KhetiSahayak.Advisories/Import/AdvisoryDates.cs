using System.Globalization;
using KhetiSahayak.Sync.Engine;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// Parses advisory dates: ISO 8601 with an offset (<c>2025-07-15T10:00:00+05:30</c>, <c>…Z</c>); without an offset the
/// time is Indian Standard Time; a bare date (<c>2025-07-15</c>) is the start of that day in IST, or for an end of
/// window (valid_to) its last second.
/// </summary>
internal static class AdvisoryDates
{
    public static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);

    private static readonly string[] WithOffset =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mmK",
    ];

    private static readonly string[] WithoutOffset =
    [
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm",
    ];

    public static bool TryParse(string text, bool endOfDay, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(text);

        // The forms nearly every file uses, read digit by digit: the format-list parsers below cost more than all the
        // rest of an advisory's validation. Anything else (fractions, other offset forms, out-of-range fields) takes
        // the general path, which decides.
        if (TryParseCommon(text, endOfDay, out value))
        {
            return true;
        }

        value = default;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var time = endOfDay ? new TimeOnly(23, 59, 59) : TimeOnly.MinValue;
            value = ValueCodec.NormalizeTimestamp(new DateTimeOffset(date.ToDateTime(time), Ist));
            return true;
        }

        if (DateTime.TryParseExact(text, WithoutOffset, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            value = ValueCodec.NormalizeTimestamp(new DateTimeOffset(local, Ist));
            return true;
        }

        if (DateTimeOffset.TryParseExact(text, WithOffset, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
        {
            value = ValueCodec.NormalizeTimestamp(withOffset);
            return true;
        }

        return false;
    }

    /// <summary>
    /// <c>yyyy-MM-dd</c>, or <c>yyyy-MM-dd[T ]HH:mm:ss</c> with no offset, <c>Z</c> or <c>±hh:mm</c>, every field in
    /// range; false for anything else (which may still be a valid date for <see cref="TryParse"/>).
    /// </summary>
    private static bool TryParseCommon(string text, bool endOfDay, out DateTimeOffset value)
    {
        value = default;
        if ((text.Length != 10 && text.Length < 19) || text[4] != '-' || text[7] != '-'
            || !Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        if (text.Length == 10)
        {
            var start = endOfDay ? new DateTime(year, month, day, 23, 59, 59) : new DateTime(year, month, day);
            value = ValueCodec.NormalizeTimestamp(new DateTimeOffset(start, Ist));
            return true;
        }

        if (text[10] is not ('T' or ' ') || text[13] != ':' || text[16] != ':'
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        TimeSpan offset;
        if (text.Length == 19)
        {
            offset = Ist;
        }
        else if (text.Length == 20 && text[19] == 'Z')
        {
            offset = TimeSpan.Zero;
        }
        else if (text.Length == 25 && text[19] is ('+' or '-') && text[22] == ':'
            && Digits(text, 20, 2, out var offsetHours) && Digits(text, 23, 2, out var offsetMinutes) && offsetMinutes < 60 && offsetHours * 60 + offsetMinutes <= 14 * 60)
        {
            offset = TimeSpan.FromMinutes((offsetHours * 60) + offsetMinutes);
            if (text[19] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        value = ValueCodec.NormalizeTimestamp(new DateTimeOffset(year, month, day, hour, minute, second, offset));
        return true;
    }

    private static bool Digits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = text[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
