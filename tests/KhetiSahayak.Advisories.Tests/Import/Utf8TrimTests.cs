using System.Text;
using KhetiSahayak.Advisories.Import;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

/// <summary>Trimming a title or body as UTF-8 must cut exactly what <see cref="string.Trim()"/> cuts from its string.</summary>
[TestFixture]
public sealed class Utf8TrimTests
{
    // Every character string.Trim() removes, and neighbours it must keep (zero-width space and joiner, BOM, NBSP-like letters).
    private static readonly string[] Pieces =
    [
        .. Enumerable.Range(0, 0x10000).Where(c => c is < 0xD800 or > 0xDFFF && char.IsWhiteSpace((char)c)).Select(c => ((char)c).ToString()),
        "\u200B", "\u200D", "\uFEFF", "\u180E", "a", "क", "्", "🌾", "é", "\"",
    ];

    [Test]
    public void Range_RandomTexts_CutsWhatStringTrimCuts()
    {
        var seed = Random.Shared.Next();
        TestContext.Out.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (var n = 0; n < 20_000; n++)
        {
            var text = new StringBuilder();
            for (var i = random.Next(0, 8); i > 0; i--)
            {
                text.Append(Pieces[random.Next(Pieces.Length)]);
            }

            var s = text.ToString();
            var utf8 = Encoding.UTF8.GetBytes(s);
            var (start, length) = Utf8Trim.Range(utf8);

            Assert.That(Encoding.UTF8.GetString(utf8, start, length), Is.EqualTo(s.Trim()), $"seed {seed}, text {string.Join(' ', s.Select(c => ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)))}");
            Assert.That(Utf8Trim.IsWhiteSpace(utf8), Is.EqualTo(string.IsNullOrWhiteSpace(s)), $"seed {seed}");
        }
    }

    [TestCase("", 0, 0)]
    [TestCase(" \t\n", 3, 0)]
    [TestCase("\u3000धान\u00A0", 3, 9)]
    [TestCase("🌾 ", 0, 4)]
    public void Range_Examples(string text, int start, int length) =>
        Assert.That(Utf8Trim.Range(Encoding.UTF8.GetBytes(text)), Is.EqualTo((start, length)));
}
