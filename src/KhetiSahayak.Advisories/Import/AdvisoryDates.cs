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
}
