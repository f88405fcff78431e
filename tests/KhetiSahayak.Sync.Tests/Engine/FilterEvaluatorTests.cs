using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Tests.Engine;

[TestFixture]
public sealed class FilterEvaluatorTests
{
    private static readonly ScopeSet Scopes = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes);

    private static (ScopeTable Table, object?[] Row) Translation(string lang, string districts, string blocks, string crops, string status)
    {
        var st = Scopes.Find("farmer", 1)!.Tables.Single(t => t.Name == "advisory_translation");
        var row = new object?[st.Table.Columns.Count];
        row[st.Table.Ordinal("lang")] = lang;
        row[st.Table.Ordinal("district_codes")] = districts;
        row[st.Table.Ordinal("block_codes")] = blocks;
        row[st.Table.Ordinal("crop_codes")] = crops;
        row[st.Table.Ordinal("status")] = status;
        return (st, row);
    }

    private static readonly ScopeParameters Latur = new ScopeParameters()
        .Set(ScopeParameter.Districts, new long[] { 481 })
        .Set(ScopeParameter.Blocks, new long[] { 4436 })
        .Set(ScopeParameter.Crops, new[] { "SOYBEAN", "ALL" })
        .Set(ScopeParameter.Languages, new[] { "mr-IN", "en-IN" });

    [TestCase("mr-IN", "[481]", "[]", "[\"SOYBEAN\"]", "published", ExpectedResult = true)]
    [TestCase("mr-IN", "[]", "[4436]", "[\"ALL\"]", "published", ExpectedResult = true)]
    [TestCase("hi-IN", "[481]", "[]", "[\"SOYBEAN\"]", "published", ExpectedResult = false)]
    [TestCase("mr-IN", "[490]", "[]", "[\"SOYBEAN\"]", "published", ExpectedResult = false)]
    [TestCase("mr-IN", "[481]", "[]", "[\"WHEAT\"]", "published", ExpectedResult = false)]
    [TestCase("mr-IN", "[481]", "[]", "[\"SOYBEAN\"]", "withdrawn", ExpectedResult = false)]
    public bool Matches_AdvisoryTranslation_ByDistrictOrBlockCropLanguageAndStatus(string lang, string districts, string blocks, string crops, string status)
    {
        var (st, row) = Translation(lang, districts, blocks, crops, status);
        return FilterEvaluator.Matches(st.Filter, st.Table, row, Latur);
    }

    [Test]
    public void Matches_MissingParameter_MatchesNothing()
    {
        var (st, row) = Translation("mr-IN", "[481]", "[]", "[\"SOYBEAN\"]", "published");

        Assert.That(FilterEvaluator.Matches(st.Filter, st.Table, row, new ScopeParameters()), Is.False);
    }
}
