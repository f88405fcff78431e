using KhetiSahayak.Advisories.Reference;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Reference;

[TestFixture]
public sealed class LgdFilesTests
{
    private const string States = """
        S.No.,State Code,State Version,State Name,State Name,Census 2001 Code,Census 2011 Code,State or UT
        1,27,1,MAHARASHTRA,महाराष्ट्र,27,27,S
        """;

    private const string Districts = """
        "State Code","State Name","District Code","District Name","Census 2001 Code","Census 2011 Code"
        27,"MAHARASHTRA",481,LATUR,,
        """;

    private const string Blocks = """
        S.No.,State Code,State Name,District Code,District Name,Block Code,Block Version,Block Name ,Block Name
        1,27,MAHARASHTRA,481,LATUR,4436,1,LATUR,
        2,27,MAHARASHTRA,481,LATUR,4437,2,NILANGA,निलंगा
        """;

    [Test]
    public async Task ReadAsync_WellFormedFiles_ReadsBothNameColumnsAndVersions()
    {
        var files = await ReadAsync(States, Districts, Blocks);

        Assert.Multiple(() =>
        {
            Assert.That(files.States, Is.EqualTo(new[] { new LgdState(27, 1, "MAHARASHTRA", "महाराष्ट्र", "S", 2) }));
            Assert.That(files.Districts, Is.EqualTo(new[] { new LgdDistrict(481, 27, "LATUR", 2) }));
            Assert.That(files.Blocks, Is.EqualTo(new[]
            {
                new LgdBlock(4436, 481, 27, 1, "LATUR", null, 2),
                new LgdBlock(4437, 481, 27, 2, "NILANGA", "निलंगा", 3),
            }));
        });
    }

    [TestCase("27,\"MAHARASHTRA\",481,LATUR,,", "1,27,MAHARASHTRA,482,LATUR,4436,1,LATUR,", "blocks.csv: line 2: District Code: district 482 is not in districts.csv")]
    [TestCase("28,\"ANDHRA PRADESH\",481,LATUR,,", "1,27,MAHARASHTRA,481,LATUR,4436,1,LATUR,", "districts.csv: line 2: State Code: state 28 is not in states.csv")]
    [TestCase("27,\"MAHARASHTRA\",481,LATUR,,", "1,27,MAHARASHTRA,481,LATUR,4436,0,LATUR,", "blocks.csv: line 2: Block Version: '0' is not a positive integer code")]
    [TestCase("27,\"MAHARASHTRA\",481,LATUR,,", "1,27,MAHARASHTRA,481,LATUR,4436,1, ,", "blocks.csv: line 2: Block Name: is empty; a name is required")]
    [TestCase("27,\"MAHARASHTRA\",481,LATUR,,", "1,9,MAHARASHTRA,481,LATUR,4436,1,LATUR,", "blocks.csv: line 2: State Code: state 9 does not match district 481, which districts.csv puts in state 27")]
    public void ReadAsync_BadRow_NamesFileLineAndField(string district, string block, string expected)
    {
        var ex = Assert.ThrowsAsync<LgdFileException>(() => ReadAsync(States, Header(Districts) + "\n" + district, Header(Blocks) + "\n" + block));

        Assert.That(ex!.Errors.Select(e => e.ToString()), Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void ReadAsync_MissingColumn_NamesTheHeaderLine()
    {
        var blocks = Blocks.Replace("Block Code", "Blk Code", StringComparison.Ordinal);

        var ex = Assert.ThrowsAsync<LgdFileException>(() => ReadAsync(States, Districts, blocks));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Errors, Has.Count.EqualTo(1));
            Assert.That(ex.Errors[0].File, Is.EqualTo("blocks.csv"));
            Assert.That(ex.Errors[0].Line, Is.EqualTo(1));
            Assert.That(ex.Errors[0].Field, Is.EqualTo("block code"));
        });
    }

    [Test]
    public void ReadAsync_DuplicateListing_IsAnError()
    {
        var ex = Assert.ThrowsAsync<LgdFileException>(() => ReadAsync(States, Districts, Blocks + "\n3,27,MAHARASHTRA,481,LATUR,4436,1,LATUR,"));

        Assert.That(ex!.Errors.Select(e => e.ToString()), Is.EqualTo(new[] { "blocks.csv: line 4: Block Code: block 4436 is listed twice under district 481" }));
    }

    [Test]
    public void ReadAsync_MissingFile_NamesIt()
    {
        var empty = Path.Combine(Path.GetTempPath(), "ks-lgd-empty-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        try
        {
            var ex = Assert.ThrowsAsync<LgdFileException>(() => LgdFiles.ReadAsync(empty, CancellationToken.None));

            Assert.That(ex!.Errors.Select(e => e.File), Is.EqualTo(new[] { "states.csv", "districts.csv", "blocks.csv" }));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    private static string Header(string csv) => csv.Split('\n')[0];

    private static async Task<LgdFiles> ReadAsync(string states, string districts, string blocks)
    {
        await using var s = TestData.Utf8(states);
        await using var d = TestData.Utf8(districts);
        await using var b = TestData.Utf8(blocks);
        return await LgdFiles.ReadAsync(s, d, b, CancellationToken.None);
    }
}
