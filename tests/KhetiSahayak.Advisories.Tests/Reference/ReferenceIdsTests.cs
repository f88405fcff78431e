using KhetiSahayak.Advisories.Reference;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Reference;

[TestFixture]
public sealed class ReferenceIdsTests
{
    // Expected values computed with Python's uuid.uuid5, an independent implementation of RFC 9562 version 5.
    [Test]
    public void LgdNamespace_IsVersion5OfTheDirectorysUrl()
    {
        var urlNamespace = Guid.Parse("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

        Assert.That(ReferenceIds.V5(urlNamespace, "https://lgdirectory.gov.in/"), Is.EqualTo(ReferenceIds.LgdNamespace));
    }

    [Test]
    public void CropNamespace_IsVersion5OfItsUrn()
    {
        var urlNamespace = Guid.Parse("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

        Assert.That(ReferenceIds.V5(urlNamespace, "urn:kheti-sahayak:reference:crops"), Is.EqualTo(ReferenceIds.CropNamespace));
    }

    [Test]
    public void Keys_MatchAnIndependentVersion5Implementation()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ReferenceIds.State(27), Is.EqualTo(Guid.Parse("7d29afdb-40d2-5b94-a127-379e083b2a01")));
            Assert.That(ReferenceIds.District(481), Is.EqualTo(Guid.Parse("843fd8aa-3542-5a3b-8404-516d844dbd88")));
            Assert.That(ReferenceIds.Block(4436, 481), Is.EqualTo(Guid.Parse("bf9043ae-d0a4-5f4c-88a3-b67d18dc02b1")));
            Assert.That(ReferenceIds.Crop("SOYBEAN"), Is.EqualTo(Guid.Parse("e492c646-fc04-53a2-beec-555b1bba17a7")));
        });
    }

    [Test]
    public void Block_SameCodeUnderTwoDistricts_GetsTwoKeys()
    {
        Assert.That(ReferenceIds.Block(2494, 739), Is.Not.EqualTo(ReferenceIds.Block(2494, 616)));
    }
}
