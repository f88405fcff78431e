using System.Text.Encodings.Web;
using System.Text.Json;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Tests.Engine;

[TestFixture]
public sealed class ValueCodecTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly ColumnDefinition JsonColumn = new("codes", ColumnType.Json, false);

    // Canonical text is what the serializer writes with the relaxed encoder, whichever way the codec gets there.
    [TestCase("[490,532,481]")]
    [TestCase("[]")]
    [TestCase("[\"SOYBEAN\",\"ALL\"]")]
    [TestCase("{\"a\":1.50,\"b\":[true,false,null],\"c\":1e5}")]
    [TestCase("[\"<b>&'+`/\"]")]
    [TestCase("[ 1, 2 ]")]
    [TestCase("{\n  \"a\" : \"x y\"\n}")]
    [TestCase("[\"\\u0041\\n\\\"\\\\\"]")]
    [TestCase("[\"\\u00e9\\u0928\"]")]
    [TestCase("[\"é नमस्ते 😀\"]")]
    [TestCase("[\"\\ud83d\\ude00\"]")]
    [TestCase("[\"\\u007f\"]")]
    public void TryFromJson_JsonColumn_CanonicalSerializerText(string text)
    {
        using var doc = JsonDocument.Parse(text);

        var ok = ValueCodec.TryFromJson(JsonColumn, doc.RootElement, out var value);

        Assert.That(ok, Is.True);
        Assert.That(value, Is.EqualTo(JsonSerializer.Serialize(doc.RootElement, Relaxed)));
    }

    private static IEnumerable<JavaScriptEncoder> Encoders() =>
    [
        JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        JavaScriptEncoder.Default,
        JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    ];

    // A page's text comes from the store as UTF-8 (Utf8Text) and must be written exactly as its string was: every code
    // point, in runs of 128, through each encoder a writer of this code base uses.
    [TestCaseSource(nameof(Encoders))]
    public void WriteJson_Utf8TextOfEveryCodePoint_SameBytesAsTheString(JavaScriptEncoder encoder)
    {
        using var text = new Utf8TextBuffer();
        var run = new System.Text.StringBuilder();
        for (var first = 0; first <= 0x10FFFF; first += 128)
        {
            run.Clear();
            for (var c = first; c < first + 128; c++)
            {
                if (c is < 0xD800 or > 0xDFFF)
                {
                    run.Append(char.ConvertFromUtf32(c)).Append(c % 7 == 0 ? "\\\"a" : string.Empty);
                }
            }

            var s = run.ToString();
            var utf8 = text.TryAdd(System.Text.Encoding.UTF8.GetBytes(s))!;
            Assert.That(utf8.Utf16Length, Is.EqualTo(s.Length));
            Assert.That(Written(encoder, ColumnType.Text, utf8), Is.EqualTo(Written(encoder, ColumnType.Text, s)), $"code points from U+{first:X4}");
        }
    }

    [TestCase("")]
    [TestCase("\"")]
    [TestCase("\u0000\u001f\u007f\u0080")]
    [TestCase("\ud83c\udf3e<>&'`+/\\")]
    [TestCase("\ufeff\ufffe\uffff\u2028\u2029\u00ad")]
    public void WriteJson_Utf8Text_SameBytesAsTheString(string s)
    {
        using var text = new Utf8TextBuffer();
        var utf8 = text.TryAdd(System.Text.Encoding.UTF8.GetBytes(s))!;

        foreach (var encoder in Encoders())
        {
            Assert.That(Written(encoder, ColumnType.Text, utf8), Is.EqualTo(Written(encoder, ColumnType.Text, s)));
        }

        Assert.That(ValueCodec.EstimateSize(utf8), Is.EqualTo(ValueCodec.EstimateSize(s)));
    }

    [TestCase("[490,532,481]")]
    [TestCase("{\"mr\":\"कापूस\",\"q\":\"\\\"x\\\"\",\"e\":\"😀\"}")]
    [TestCase("[ 1 , {\"a\" : [] } ]")]
    public void WriteJson_Utf8TextInJsonColumn_SameBytesAsTheString(string s)
    {
        using var text = new Utf8TextBuffer();
        var utf8 = text.TryAdd(System.Text.Encoding.UTF8.GetBytes(s))!;

        Assert.That(Written(JavaScriptEncoder.Default, ColumnType.Json, utf8), Is.EqualTo(Written(JavaScriptEncoder.Default, ColumnType.Json, s)));
    }

    [Test]
    public void WriteJson_Utf8TextInJsonColumnNotJson_RefusedAsTheStringIs()
    {
        using var text = new Utf8TextBuffer();
        var utf8 = text.TryAdd("[1,"u8)!;

        Assert.That(() => Written(JavaScriptEncoder.Default, ColumnType.Json, "[1,"), Throws.InstanceOf<JsonException>().Or.InstanceOf<ArgumentException>());
        Assert.That(() => Written(JavaScriptEncoder.Default, ColumnType.Json, utf8), Throws.InstanceOf<JsonException>().Or.InstanceOf<ArgumentException>());
    }

    [TestCase(new byte[] { 0x41, 0xFF, 0x42 })]
    [TestCase(new byte[] { 0x41, 0xC3 })]
    [TestCase(new byte[] { 0xC0, 0x80 })]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 })]
    [TestCase(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    public void TryAdd_IllFormedUtf8_Refused(byte[] bytes)
    {
        using var text = new Utf8TextBuffer();

        Assert.That(text.TryAdd(bytes), Is.Null);
    }

    // TryAdd validates and counts in one pass: it must refuse exactly what Utf8.IsValid refuses and count as
    // GetCharCount does, for random mixes of ASCII, multi-byte sequences and their broken pieces.
    [Test]
    public void TryAdd_RandomBytes_RefusesExactlyIllFormedAndCountsUtf16()
    {
        using var text = new Utf8TextBuffer();
        var seed = Environment.TickCount;
        TestContext.Out.WriteLine($"seed {seed}");
        var random = new Random(seed);
        byte[][] pieces =
        [
            "a"u8.ToArray(), "\""u8.ToArray(), "é"u8.ToArray(), "न"u8.ToArray(), "😀"u8.ToArray(),
            [0x80], [0xC3], [0xE0, 0xA4], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xFF],
        ];
        for (var n = 0; n < 5_000; n++)
        {
            var bytes = new List<byte>();
            var count = random.Next(0, 40);
            for (var i = 0; i < count; i++)
            {
                // Mostly well-formed pieces, so both outcomes are common.
                var piece = random.Next(10) < 8 ? pieces[random.Next(5)] : pieces[random.Next(pieces.Length)];
                bytes.AddRange(piece);
            }

            var input = bytes.ToArray();
            var added = text.TryAdd(input);

            Assert.That(added is not null, Is.EqualTo(System.Text.Unicode.Utf8.IsValid(input)), Convert.ToHexString(input));
            if (added is not null)
            {
                Assert.That(added.Utf16Length, Is.EqualTo(System.Text.Encoding.UTF8.GetCharCount(input)), Convert.ToHexString(input));
                Assert.That(added.Utf8.ToArray(), Is.EqualTo(input));
            }
        }
    }

    [Test]
    public void TryAdd_TextsLargerThanABlock_EachKeptWhole()
    {
        using var text = new Utf8TextBuffer();
        var texts = Enumerable.Range(0, 40).Select(i => new string((char)('a' + (i % 26)), i * 5_000) + "क").ToArray();

        var values = texts.Select(t => text.TryAdd(System.Text.Encoding.UTF8.GetBytes(t))!).ToArray();

        Assert.That(values.Select(v => v.ToString()), Is.EqualTo(texts));
    }

    private static byte[] Written(JavaScriptEncoder encoder, ColumnType type, object value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            writer.WriteStartArray();
            ValueCodec.WriteJson(writer, type, value);
            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    [Test]
    public void TryFromJson_JsonColumn_ScalarRefused()
    {
        using var doc = JsonDocument.Parse("\"[1]\"");

        Assert.That(ValueCodec.TryFromJson(JsonColumn, doc.RootElement, out _), Is.False);
    }
    // The importer's rows carry titles and bodies as Utf8Text; planning compares them with the stored strings.
    [TestCase(ColumnType.Text, "धान की फसल 🌾", "धान की फसल 🌾", true)]
    [TestCase(ColumnType.Text, "धान की फसल", "धान की फ़सल", false)]
    [TestCase(ColumnType.Text, "", "", true)]
    [TestCase(ColumnType.Json, "[1, 2]", "[1,2]", true)]
    [TestCase(ColumnType.Json, "{\"a\":\"क\"}", "{\"a\":\"ख\"}", false)]
    public void AreEqual_Utf8TextAndString_AsTheStringItStandsFor(ColumnType type, string a, string b, bool equal)
    {
        var texts = Utf8TextBuffer.Unpooled();
        var ua = texts.TryAdd(System.Text.Encoding.UTF8.GetBytes(a))!;
        var ub = texts.TryAdd(System.Text.Encoding.UTF8.GetBytes(b))!;

        Assert.Multiple(() =>
        {
            Assert.That(ValueCodec.AreEqual(type, a, b), Is.EqualTo(equal), "string, string");
            Assert.That(ValueCodec.AreEqual(type, ua, b), Is.EqualTo(equal), "Utf8Text, string");
            Assert.That(ValueCodec.AreEqual(type, a, ub), Is.EqualTo(equal), "string, Utf8Text");
            Assert.That(ValueCodec.AreEqual(type, ua, ub), Is.EqualTo(equal), "Utf8Text, Utf8Text");
            Assert.That(ValueCodec.AreEqual(type, ua, null), Is.False, "Utf8Text, null");
        });
    }

    [Test]
    public void Utf8TextBuffer_Unpooled_TextsOutliveDisposeAndShareBlocks()
    {
        var texts = Utf8TextBuffer.Unpooled();
        var values = Enumerable.Range(0, 3_000).Select(i => texts.TryAdd(System.Text.Encoding.UTF8.GetBytes("सोयाबीन " + i))!).ToList();

        texts.Dispose();

        Assert.That(values.Select(v => v.ToString()), Is.EqualTo(Enumerable.Range(0, 3_000).Select(i => "सोयाबीन " + i)));
        Assert.That(values.Select(v => v.Utf16Length), Is.EqualTo(values.Select(v => v.ToString().Length)));
        Assert.That(texts.TryAdd([0x41, 0xFF]), Is.Null, "ill-formed UTF-8 is not taken");
    }
}
