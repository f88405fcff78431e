using System.Globalization;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Sync.Engine;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

/// <summary>
/// The digit-by-digit reading of the common date forms must agree exactly with the format-list rule the README states
/// (ISO 8601; no offset = IST; bare date = start of day, or its last second for valid_to), on valid and broken input.
/// </summary>
[TestFixture]
public sealed class AdvisoryDatesTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);

    [TestCase("2025-07-15", false, "2025-07-14T18:30:00Z")]
    [TestCase("2025-07-15", true, "2025-07-15T18:29:59Z")]
    [TestCase("2025-07-15T10:00:00+05:30", false, "2025-07-15T04:30:00Z")]
    [TestCase("2025-07-15 10:00:00-03:15", false, "2025-07-15T13:15:00Z")]
    [TestCase("2025-07-15T10:00:00Z", true, "2025-07-15T10:00:00Z")]
    [TestCase("2025-07-15T10:00:00", false, "2025-07-15T04:30:00Z")]
    [TestCase("2024-02-29T23:59:59+14:00", false, "2024-02-29T09:59:59Z")]
    [TestCase("2025-07-15T10:00:00.250+05:30", false, "2025-07-15T04:30:00.25Z")]
    [TestCase("2025-07-15T10:00+05:30", false, "2025-07-15T04:30:00Z")]
    public void TryParse_KnownForms_GiveTheInstant(string text, bool endOfDay, string expectedUtc)
    {
        Assert.That(AdvisoryDates.TryParse(text, endOfDay, out var value), Is.True);
        Assert.That(value, Is.EqualTo(DateTimeOffset.Parse(expectedUtc, CultureInfo.InvariantCulture)));
        Assert.That(value.Offset, Is.EqualTo(TimeSpan.Zero));
    }

    [TestCase("2025-02-29")]
    [TestCase("2025-13-01")]
    [TestCase("2025-07-15T24:00:00Z")]
    [TestCase("2025-07-15T10:60:00Z")]
    [TestCase("2025-07-15T10:00:60")]
    [TestCase("2025-07-15T10:00:00+15:00")]
    [TestCase("2025-07-15T10:00:00+05:60")]
    [TestCase("2025-07-15X10:00:00Z")]
    [TestCase("2025-7-15")]
    [TestCase("15/07/2025")]
    [TestCase("2025-07-15T10:00:00+05:30 ")]
    [TestCase("")]
    public void TryParse_BrokenDates_AreRejected(string text)
    {
        Assert.That(AdvisoryDates.TryParse(text, endOfDay: false, out _), Is.False);
    }

    [Test]
    public void TryParse_RandomTexts_AgreeWithTheFormatListRule()
    {
        var seed = Environment.TickCount;
        TestContext.Out.WriteLine($"seed {seed}");
        var random = new Random(seed);
        string[] offsets = ["", "Z", "+05:30", "-03:15", "+14:00", "-14:00", "+14:01", "+00:00", "+0530", "+05", "z"];
        for (var i = 0; i < 20_000; i++)
        {
            // Mostly valid fields, sometimes out of range, sometimes a digit replaced.
            var y = random.Next(10) == 0 ? random.Next(0, 10_000) : random.Next(1990, 2060);
            var mo = random.Next(0, 14);
            var d = random.Next(0, 33);
            var h = random.Next(0, 26);
            var mi = random.Next(0, 62);
            var s = random.Next(0, 62);
            var sep = random.Next(3) switch { 0 => "T", 1 => " ", _ => "t" };
            var text = random.Next(4) == 0
                ? $"{y:D4}-{mo:D2}-{d:D2}"
                : $"{y:D4}-{mo:D2}-{d:D2}{sep}{h:D2}:{mi:D2}:{s:D2}{offsets[random.Next(offsets.Length)]}";
            if (random.Next(20) == 0)
            {
                var at = random.Next(text.Length);
                text = text[..at] + (char)random.Next(32, 127) + text[(at + 1)..];
            }

            var endOfDay = random.Next(2) == 0;
            var expectedOk = Rule(text, endOfDay, out var expected);
            var ok = AdvisoryDates.TryParse(text, endOfDay, out var value);
            Assert.That((ok, value), Is.EqualTo((expectedOk, expected)), $"'{text}' endOfDay={endOfDay} (seed {seed})");
        }
    }

    /// <summary>The rule as the README states it, through the framework's format-list parsers.</summary>
    private static bool Rule(string text, bool endOfDay, out DateTimeOffset value)
    {
        value = default;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = ValueCodec.NormalizeTimestamp(new DateTimeOffset(date.ToDateTime(endOfDay ? new TimeOnly(23, 59, 59) : TimeOnly.MinValue), Ist));
            return true;
        }

        string[] local = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm"];
        if (DateTime.TryParseExact(text, local, CultureInfo.InvariantCulture, DateTimeStyles.None, out var l))
        {
            value = ValueCodec.NormalizeTimestamp(new DateTimeOffset(l, Ist));
            return true;
        }

        string[] withOffset = local.Select(f => f + "K").ToArray();
        if (DateTimeOffset.TryParseExact(text, withOffset, CultureInfo.InvariantCulture, DateTimeStyles.None, out var o))
        {
            value = ValueCodec.NormalizeTimestamp(o);
            return true;
        }

        return false;
    }
}
