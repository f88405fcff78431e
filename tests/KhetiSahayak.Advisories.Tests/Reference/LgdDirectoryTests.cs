using System.Text;
using KhetiSahayak.Advisories.Reference;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Reference;

[TestFixture]
public sealed class LgdDirectoryTests
{
    [Test]
    public async Task LoadAsync_SharedDumps_LoadsEveryStateDistrictAndBlock()
    {
        var lgd = await LgdDirectory.LoadAsync(TestData.LgdFolder, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(lgd.StateCount, Is.EqualTo(36));
            Assert.That(lgd.DistrictCount, Is.EqualTo(763));
            Assert.That(lgd.BlockCount, Is.GreaterThan(7_000));
        });
    }

    [Test]
    public async Task Lookups_SampleCodes_AnswerByCode()
    {
        var lgd = await TestData.LgdAsync();

        Assert.Multiple(() =>
        {
            Assert.That(lgd.StateExists(27), Is.True);
            Assert.That(lgd.DistrictExists(481), Is.True);
            Assert.That(lgd.DistrictExists(662), Is.True, "Pathankot: a newer district, still in the snapshot");
            Assert.That(lgd.BlockExists(4436), Is.True);
            Assert.That(lgd.StateOfDistrict(481), Is.EqualTo(27));
            Assert.That(lgd.DistrictsOfBlock(4436), Is.EqualTo(new[] { 481L }));
            Assert.That(lgd.IsBlockInDistrict(4436, 481), Is.True);
            Assert.That(lgd.IsBlockInDistrict(4436, 482), Is.False);
            Assert.That(lgd.DistrictsOfState(3), Does.Contain(32L).And.Contain(33L).And.Contain(662L));
            Assert.That(lgd.BlocksOfDistrict(481), Is.EqualTo(new[] { 4431L, 4432L, 4433L, 4434L, 4435L, 4436L, 4437L, 4438L, 4439L, 4440L }), "Latur's ten blocks, ascending");
        });
    }

    [Test]
    public async Task Lookups_UnknownCodes_AreFalseOrEmpty()
    {
        var lgd = await TestData.LgdAsync();

        Assert.Multiple(() =>
        {
            Assert.That(lgd.StateExists(99), Is.False);
            Assert.That(lgd.DistrictExists(99_999), Is.False);
            Assert.That(lgd.BlockExists(4436_0), Is.False);
            Assert.That(lgd.StateOfDistrict(99_999), Is.Null);
            Assert.That(lgd.DistrictsOfBlock(99_999), Is.Empty);
            Assert.That(lgd.DistrictsOfState(99), Is.Empty);
            Assert.That(lgd.BlocksOfDistrict(99_999), Is.Empty);
        });
    }

    [Test]
    public async Task DistrictsOfBlock_BlockListedUnderTwoDistricts_ReturnsBoth()
    {
        // blocks.csv lists a few Assam blocks under two districts (e.g. 2494 under Baksa and another district).
        var lgd = await TestData.LgdAsync();

        Assert.That(lgd.DistrictsOfBlock(2494), Has.Count.EqualTo(2).And.Contain(616L));
    }

    [Test]
    public async Task LoadAsync_HeadersReorderedPaddedAndDuplicated_FindsColumnsByName()
    {
        var lgd = await LgdDirectory.LoadAsync(
            Utf8("State Name,State Name,\" State Code \"\nX,X,27\n"),
            Utf8("District Name,district code,STATE CODE\nLATUR,481,27\n"),
            Utf8("Block Name ,Block Name,Block Code,District Code\nAUSA,,4432,481\n"),
            CancellationToken.None);

        Assert.That(lgd.IsBlockInDistrict(4432, 481), Is.True);
        Assert.That(lgd.StateOfDistrict(481), Is.EqualTo(27));
    }

    [Test]
    public void LoadAsync_BlockOfUnknownDistrict_Throws()
    {
        Assert.That(async () => await LgdDirectory.LoadAsync(
            Utf8("State Code\n27\n"),
            Utf8("State Code,District Code\n27,481\n"),
            Utf8("District Code,Block Code\n999,4432\n"),
            CancellationToken.None), Throws.TypeOf<InvalidDataException>().With.Message.Contains("999"));
    }

    [Test]
    public void LoadAsync_NonNumericCode_Throws()
    {
        Assert.That(async () => await LgdDirectory.LoadAsync(
            Utf8("State Code\nMH\n"), Utf8("State Code,District Code\n"), Utf8("District Code,Block Code\n"),
            CancellationToken.None), Throws.TypeOf<InvalidDataException>().With.Message.Contains("states.csv"));
    }

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));
}
