using System.Text;
using System.Text.Json.Nodes;
using KhetiSahayak.Advisories.Reference;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Reference;

[TestFixture]
public sealed class CropCatalogTests
{
    private static readonly CropCatalog Crops = CropCatalog.LoadDefault();

    [Test]
    public void LoadDefault_SampleAdvisories_EveryCropAndStageIsKnown()
    {
        foreach (var advisory in TestData.SampleNodes())
        {
            var crops = advisory!["crop_codes"]!.AsArray().Select(c => (string)c!).ToArray();
            foreach (var crop in crops)
            {
                Assert.That(Crops.TryResolveCrop(crop, out _), Is.True, crop);
            }

            foreach (var stage in advisory["stage_codes"]!.AsArray().Select(s => (string)s!))
            {
                Assert.That(crops.Any(c => Crops.IsStageOf(c, stage)), Is.True, $"{stage} of {string.Join(",", crops)}");
            }
        }
    }

    [TestCase("RICE", "PADDY")]
    [TestCase("paddy", "PADDY")]
    [TestCase("WHEAT", "WHEAT")]
    [TestCase("SOYBEAN", "SOYBEAN")]
    [TestCase("COTTON", "COTTON")]
    [TestCase("MAIZE", "MAIZE")]
    [TestCase("PIGEONPEA", "PIGEONPEA")]
    [TestCase("TUR", "PIGEONPEA")]
    [TestCase("arhar", "PIGEONPEA")]
    [TestCase("CHICKPEA", "CHICKPEA")]
    [TestCase("GRAM", "CHICKPEA")]
    [TestCase("SUGARCANE", "SUGARCANE")]
    [TestCase("ONION", "ONION")]
    [TestCase("TOMATO", "TOMATO")]
    [TestCase("GROUNDNUT", "GROUNDNUT")]
    [TestCase("MUSTARD", "MUSTARD")]
    [TestCase("BAJRA", "PEARL_MILLET")]
    [TestCase("all", "ALL")]
    public void TryResolveCrop_CodeOrAlias_ResolvesToTheCropCodeWithStages(string input, string code)
    {
        Assert.That(Crops.TryResolveCrop(input, out var canonical), Is.True);
        Assert.That(canonical, Is.EqualTo(code));
        if (code != CropCatalog.AllCrops)
        {
            Assert.That(Crops.Find(code)!.Stages, Has.Count.GreaterThanOrEqualTo(8));
        }
    }

    [Test]
    public void TryResolveCrop_UnknownCode_False()
    {
        Assert.That(Crops.TryResolveCrop("DRAGONFRUIT", out _), Is.False);
    }

    [Test]
    public void IsStageOf_StageOfAnotherCrop_False()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Crops.IsStageOf("MAIZE", "WHORL"), Is.True);
            Assert.That(Crops.IsStageOf("WHEAT", "WHORL"), Is.False);
            Assert.That(Crops.IsStageOf(CropCatalog.AllCrops, "WHORL"), Is.True);
            Assert.That(Crops.IsStageOf(CropCatalog.AllCrops, "FLYING"), Is.False);
            Assert.That(Crops.IsStageOf("TUR", "POD_FILLING"), Is.True);
        });
    }

    [Test]
    public void Load_AliasUsedTwice_Throws()
    {
        var json = new JsonObject
        {
            ["crops"] = new JsonArray(
                new JsonObject { ["code"] = "PADDY", ["aliases"] = new JsonArray("RICE"), ["stages"] = new JsonArray("SOWING") },
                new JsonObject { ["code"] = "RICE", ["stages"] = new JsonArray("SOWING") }),
        };

        Assert.That(() => CropCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString()))), Throws.TypeOf<InvalidDataException>());
    }

    [Test]
    public void LoadDefault_EveryCode_IsUpperCaseAsciiAndStagesAreUnique()
    {
        Assert.That(Crops.Crops, Has.Count.GreaterThanOrEqualTo(15));
        foreach (var crop in Crops.Crops)
        {
            Assert.That(crop.Stages, Is.Unique, crop.Code);
            Assert.That(crop.Names.Keys, Does.Contain("en-IN").And.Contain("hi-IN"), crop.Code);
        }
    }
}
