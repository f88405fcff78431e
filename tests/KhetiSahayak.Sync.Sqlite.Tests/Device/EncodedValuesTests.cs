using System.Text;
using System.Text.Json;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite.Device;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Sqlite.Tests.Device;

/// <summary>
/// A value is bound as it arrived only when decoding and storing it would give the very same text back; everything
/// else must be left to the decoder.
/// </summary>
[TestFixture]
public sealed class EncodedValuesTests
{
    [TestCase("0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b", true)]
    [TestCase("00000000-0000-0000-0000-000000000000", true)]
    [TestCase("0197A6F0-1C2D-7E3F-8A4B-5C6D7E8F9A0B", false)]
    [TestCase("{0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b}", false)]
    [TestCase("0197a6f01c2d7e3f8a4b5c6d7e8f9a0b", false)]
    [TestCase(" 0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a0", false)]
    [TestCase("0197a6f0-1c2d-7e3f-8a4b_5c6d7e8f9a0b", false)]
    [TestCase("0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a0g", false)]
    public void IsStoredUuid_Text_OnlyWhatStoringWouldWriteBack(string text, bool stored) => Check(ColumnType.Uuid, text, stored, EncodedValues.IsStoredUuid);

    [TestCase("2026-06-15", true)]
    [TestCase("2024-02-29", true)]
    [TestCase("0001-01-01", true)]
    [TestCase("9999-12-31", true)]
    [TestCase("2023-02-29", false)]
    [TestCase("2026-13-01", false)]
    [TestCase("2026-00-10", false)]
    [TestCase("2026-04-31", false)]
    [TestCase("0000-01-01", false)]
    [TestCase("2026-6-15", false)]
    [TestCase("2026/06/15", false)]
    [TestCase("२०२६-०६-१५", false)]
    public void IsStoredDate_Text_OnlyWhatStoringWouldWriteBack(string text, bool stored) => Check(ColumnType.Date, text, stored, EncodedValues.IsStoredDate);

    [TestCase("2026-06-15T04:30:00.123456Z", true)]
    [TestCase("0001-01-01T00:00:00.000000Z", true)]
    [TestCase("9999-12-31T23:59:59.999999Z", true)]
    [TestCase("2024-02-29T23:59:59.000000Z", true)]
    [TestCase("2023-02-29T00:00:00.000000Z", false)]
    [TestCase("2026-06-15T24:00:00.000000Z", false)]
    [TestCase("2026-06-15T23:60:00.000000Z", false)]
    [TestCase("2026-06-15T23:59:60.000000Z", false)]
    [TestCase("2026-06-15T04:30:00.1234567Z", false)]
    [TestCase("2026-06-15T04:30:00.12345Z", false)]
    [TestCase("2026-06-15T04:30:00Z", false)]
    [TestCase("2026-06-15T10:00:00.000000+05:30", false)]
    [TestCase("2026-06-15 04:30:00.000000Z", false)]
    [TestCase("2026-06-15T04:30:00.000000z", false)]
    [TestCase("2026-06-15T04:30:00,000000Z", false)]
    public void IsStoredTimestamp_Text_OnlyWhatStoringWouldWriteBack(string text, bool stored) => Check(ColumnType.Timestamp, text, stored, EncodedValues.IsStoredTimestamp);

    [TestCase("""["SOYBEAN","COTTON"]""", true)]
    [TestCase("""{"a":[1,2.5,null,true],"b":{}}""", true)]
    [TestCase("[]", true)]
    [TestCase("""[ "SOYBEAN"]""", false)]
    [TestCase("""["कपास"]""", false)]
    [TestCase("""["a\"b"]""", false)]
    [TestCase("""["\u0041"]""", false)]
    [TestCase("[\n1]", false)]
    public void IsStoredJson_Text_OnlyWhatStoringWouldWriteBack(string json, bool stored)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        Assert.That(EncodedValues.IsStoredJson(utf8), Is.EqualTo(stored));
        if (stored)
        {
            using var doc = JsonDocument.Parse(utf8);
            Assert.That(ValueCodec.TryFromJson(new ColumnDefinition("c", ColumnType.Json, true), doc.RootElement, out var value), Is.True);
            Assert.That(SqliteValues.ToDb(value), Is.EqualTo(json));
        }
    }

    private delegate bool Test(ReadOnlySpan<byte> text);

    private static void Check(ColumnType type, string text, bool stored, Test test)
    {
        Assert.That(test(Encoding.UTF8.GetBytes(text)), Is.EqualTo(stored));
        if (stored)
        {
            using var doc = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(text));
            Assert.That(ValueCodec.TryFromJson(new ColumnDefinition("c", type, true), doc.RootElement, out var value), Is.True);
            Assert.That(SqliteValues.ToDb(value), Is.EqualTo(text), "decoding then storing gives the same text");
        }
    }
}
