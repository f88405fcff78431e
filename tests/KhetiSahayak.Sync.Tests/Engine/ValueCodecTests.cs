using System.Text.Encodings.Web;
using System.Text.Json;
using KhetiSahayak.Sync.Engine;
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

    [Test]
    public void TryFromJson_JsonColumn_ScalarRefused()
    {
        using var doc = JsonDocument.Parse("\"[1]\"");

        Assert.That(ValueCodec.TryFromJson(JsonColumn, doc.RootElement, out _), Is.False);
    }
}
