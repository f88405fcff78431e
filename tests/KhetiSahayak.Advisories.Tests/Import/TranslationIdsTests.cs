using KhetiSahayak.Advisories.Import;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

[TestFixture]
public sealed class TranslationIdsTests
{
    private static readonly Guid Advisory = TestData.SampleId(5);

    [Test]
    public void For_KnownInput_MatchesRfc9562Version5()
    {
        // Cross-checked with Python: uuid.uuid5(UUID("2ec1a077-d5b0-4c64-8c2e-7866e200194e"), "<advisory id>/mr-in").
        Assert.Multiple(() =>
        {
            Assert.That(TranslationIds.For(Advisory, "mr-IN"), Is.EqualTo(new Guid("15ce87d3-46e6-58be-9eec-ec2515f0bfd2")));
            Assert.That(TranslationIds.For(Advisory, "en-IN"), Is.EqualTo(new Guid("7b913477-3f39-5b0b-a94f-04b120fbd17a")));
            Assert.That(TranslationIds.For(Advisory, "mr-IN").Version, Is.EqualTo(5));
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
}
