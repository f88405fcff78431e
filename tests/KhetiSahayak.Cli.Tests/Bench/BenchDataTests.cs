using KhetiSahayak.Cli.Bench;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Cli.Tests.Bench;

[TestFixture]
public sealed class BenchDataTests
{
    private static readonly TableCatalog Catalog = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes).Catalog;

    [Test]
    public void Translations_SameSeed_SameRows()
    {
        var first = new BenchData(Catalog, 5).Translations(20, BenchData.District, stream: 1).ToList();
        var second = new BenchData(Catalog, 5).Translations(20, BenchData.District, stream: 1).ToList();
        var otherSeed = new BenchData(Catalog, 6).Translations(20, BenchData.District, stream: 1).ToList();

        Assert.That(second, Is.EqualTo(first).AsCollection);
        Assert.That(otherSeed, Is.Not.EqualTo(first).AsCollection);
    }

    [Test]
    public void Translations_HundredRows_HalfDevanagariWithBodiesOfAbout400Characters()
    {
        var data = new BenchData(Catalog, 5);
        var table = data.Translation;
        var rows = data.Translations(100, BenchData.District, stream: 1).ToList();
        var lang = table.Ordinal("lang");
        var body = table.Ordinal("body");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows, Has.Count.EqualTo(100));
            Assert.That(rows.Count(r => (string)r[lang]! == BenchData.PreferredLanguage), Is.EqualTo(50));
            Assert.That(rows.Select(r => ((string)r[body]!).Length), Is.All.InRange(400, 440));
            Assert.That(
                rows.Where(r => (string)r[lang]! == BenchData.PreferredLanguage).Select(r => ((string)r[body]!).Any(c => c is >= '\u0900' and <= '\u097F')),
                Is.All.True);
            Assert.That(rows.Select(r => r[table.KeyOrdinal]).Distinct().Count(), Is.EqualTo(100));
        }
    }

    [Test]
    public void Translations_AnyRow_MatchesTheBenchFarmersFilter()
    {
        var data = new BenchData(Catalog, 9);
        var table = data.Translation;

        foreach (var row in data.Translations(50, BenchData.District, stream: 1))
        {
            Assert.That((string)row[table.Ordinal("district_codes")]!, Does.Contain("481"));
            Assert.That((string)row[table.Ordinal("crop_codes")]!, Does.Contain(BenchData.Crop).Or.Contain("\"ALL\""));
            Assert.That(row[table.Ordinal("status")], Is.EqualTo("published"));
        }
    }
}
