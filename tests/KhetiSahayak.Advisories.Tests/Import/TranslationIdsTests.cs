using KhetiSahayak.Advisories.Import;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

[TestFixture]
public sealed class TranslationIdsTests
{
    private static readonly Guid Advisory = TestData.SampleId(5);

    [Test]
    public void For_KnownInput_IsVersion8WithTheAdvisorysLeadingBytesAndTheNameHash()
    {
        // The first eight bytes are the advisory's, with the version nibble 8; the last eight are the first eight of
        // SHA-1(namespace bytes + "<advisory id>/mr-in") with the RFC 9562 variant: the hash version 5 ids were made of
        // (LegacyTranslationIds, its result cross-checked with Python's uuid.uuid5).
        var id = TranslationIds.For(Advisory, "mr-IN");
        var bytes = id.ToByteArray(bigEndian: true);
        var advisory = Advisory.ToByteArray(bigEndian: true);
        var hash = LegacyTranslationIds.NameHash(Advisory, "mr-IN");
        Assert.Multiple(() =>
        {
            Assert.That(id.Version, Is.EqualTo(8));
            Assert.That(bytes[8] >> 6, Is.EqualTo(0b10), "RFC 9562 variant");
            Assert.That(bytes[..6], Is.EqualTo(advisory[..6]), "the advisory's timestamp bytes");
            Assert.That(bytes[6] & 0x0F, Is.EqualTo(advisory[6] & 0x0F));
            Assert.That(bytes[7], Is.EqualTo(advisory[7]));
            Assert.That(bytes[8] & 0x3F, Is.EqualTo(hash[0] & 0x3F));
            Assert.That(bytes[9..], Is.EqualTo(hash[1..8]), "the name hash");
            Assert.That(LegacyTranslationIds.For(Advisory, "mr-IN"), Is.EqualTo(new Guid("15ce87d3-46e6-58be-9eec-ec2515f0bfd2")));
        });
    }

    [Test]
    public void For_LanguageCase_DoesNotMatter()
    {
        Assert.That(TranslationIds.For(Advisory, "MR-in"), Is.EqualTo(TranslationIds.For(Advisory, "mr-IN")));
    }

    [Test]
    public void For_OtherLanguageOrAdvisory_Differs()
    {
        var ids = new[]
        {
            TranslationIds.For(Advisory, "mr-IN"), TranslationIds.For(Advisory, "hi-IN"),
            TranslationIds.For(TestData.SampleId(4), "mr-IN"), Advisory,
        };

        Assert.That(ids, Is.Unique);
    }

    [Test]
    public void For_AdvisoriesInTimeOrder_GiveTranslationIdsInTheSameOrder()
    {
        // UUIDv7 advisory ids, a millisecond apart: their translations' ids sort as the advisories do, in the byte order
        // PostgreSQL's uuid and SQLite's blob keys compare.
        var start = DateTimeOffset.UtcNow;
        var advisories = Enumerable.Range(0, 200).Select(i => Guid.CreateVersion7(start.AddMilliseconds(i))).ToList();
        var ids = advisories.SelectMany(a => new[] { TranslationIds.For(a, "hi-IN"), TranslationIds.For(a, "en-IN") }).ToList();

        static string Bytes(Guid g) => g.ToString("N");
        var sorted = ids.OrderBy(Bytes, StringComparer.Ordinal).ToList();
        Assert.That(sorted.Select(id => id.ToString("N")[..12]), Is.EqualTo(ids.Select(id => id.ToString("N")[..12])));
    }
}
