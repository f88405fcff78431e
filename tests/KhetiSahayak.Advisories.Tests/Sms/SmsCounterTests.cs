using KhetiSahayak.Advisories.Sms;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Sms;

[TestFixture]
public sealed class SmsCounterTests
{
    [TestCase(0, 0)]
    [TestCase(160, 1)]
    [TestCase(161, 2)]
    [TestCase(306, 2)]
    [TestCase(307, 3)]
    [TestCase(459, 3)]
    [TestCase(460, 4)]
    public void Measure_Gsm7Text_160SingleAnd153PerSegment(int length, int segments)
    {
        Assert.That(SmsCounter.Measure(new string('a', length)), Is.EqualTo(new SmsLength(SmsEncoding.Gsm7, length, segments)));
    }

    [TestCase(70, 1)]
    [TestCase(71, 2)]
    [TestCase(134, 2)]
    [TestCase(135, 3)]
    [TestCase(201, 3)]
    [TestCase(202, 4)]
    public void Measure_DevanagariText_70SingleAnd67PerSegment(int length, int segments)
    {
        Assert.That(SmsCounter.Measure(new string('क', length)), Is.EqualTo(new SmsLength(SmsEncoding.Ucs2, length, segments)));
    }

    [Test]
    public void Measure_ExtensionCharacters_CountTwoSeptetsAndAreNotSplit()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SmsCounter.Measure(new string('€', 80)), Is.EqualTo(new SmsLength(SmsEncoding.Gsm7, 160, 1)));

            // 162 septets; a segment holds 76 escape pairs (152 septets), never 76.5.
            Assert.That(SmsCounter.Measure(new string('€', 81)), Is.EqualTo(new SmsLength(SmsEncoding.Gsm7, 162, 2)));
            Assert.That(SmsCounter.Measure("[spray] {now}").Units, Is.EqualTo(17));
        });
    }

    [TestCase("Price ₹500 per quintal", TestName = "Measure_RupeeSign_MakesTheMessageUcs2")]
    [TestCase("Spray 2ml/L – repeat", TestName = "Measure_EnDash_MakesTheMessageUcs2")]
    [TestCase("सोयाबीन: spray now", TestName = "Measure_OneIndicWord_MakesTheMessageUcs2")]
    public void Measure_CharacterOutsideGsm7_Ucs2(string text)
    {
        Assert.That(SmsCounter.Measure(text).Encoding, Is.EqualTo(SmsEncoding.Ucs2));
    }

    [Test]
    public void Measure_GsmAccentedLetters_StayGsm7()
    {
        Assert.That(SmsCounter.Measure("Café Ñandù @ 5£ -é-à-ü").Encoding, Is.EqualTo(SmsEncoding.Gsm7));
    }

    [Test]
    public void Measure_SurrogatePairAtSegmentBoundary_MovesToTheNextSegment()
    {
        var text = new string('क', 66) + "🌾" + new string('क', 66);

        Assert.That(SmsCounter.Measure(text), Is.EqualTo(new SmsLength(SmsEncoding.Ucs2, 134, 3)));
    }

    [Test]
    public void Measure_SampleHindiSms_IsThreeUcs2Segments()
    {
        var sms = (string)TestData.SampleNodes()[0]!["translations"]!["hi-IN"]!["sms_text"]!;

        Assert.That(SmsCounter.Measure(sms), Is.EqualTo(new SmsLength(SmsEncoding.Ucs2, 138, 3)));
    }
    // The counter's shortcuts (whole-text searches, segments by division) against the rule itself: characters packed
    // greedily, an escape pair or a surrogate pair never split, segments of 153 septets or 67 UCS-2 units.
    [Test]
    public void Measure_RandomTexts_SameAsPackingEachCharacter()
    {
        var seed = Random.Shared.Next();
        TestContext.Out.WriteLine($"seed {seed}");
        var random = new Random(seed);
        string[] gsm = ["a", "Z", " ", "0", "@", "£", "é", "Δ", "\n", "€", "[", "^", "|", "~"];
        string[] other = ["क", "्", "₹", "–", "🌾"];
        for (var n = 0; n < 5_000; n++)
        {
            var pieces = random.Next(3) == 0 ? gsm.Concat(other).ToArray() : gsm;
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 500)).Select(_ => pieces[random.Next(pieces.Length)]));

            Assert.That(SmsCounter.Measure(text), Is.EqualTo(Packed(text)), $"seed {seed}, text {text}");
        }
    }

    private static SmsLength Packed(string text)
    {
        var isGsm = text.All(c => "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f".Contains(c));
        var widths = new List<int>();
        for (var i = 0; i < text.Length; i++)
        {
            if (isGsm)
            {
                widths.Add("^{}\\[~]|€\f".Contains(text[i]) ? 2 : 1);
            }
            else if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                widths.Add(2);
                i++;
            }
            else
            {
                widths.Add(1);
            }
        }

        var units = widths.Sum();
        var (single, segment) = isGsm ? (160, 153) : (70, 67);
        var segments = units == 0 ? (isGsm ? 0 : 1) : 1;
        if (units > single)
        {
            var used = 0;
            foreach (var w in widths)
            {
                if (used + w > segment)
                {
                    segments++;
                    used = 0;
                }

                used += w;
            }
        }

        return new SmsLength(isGsm ? SmsEncoding.Gsm7 : SmsEncoding.Ucs2, units, segments);
    }
}
