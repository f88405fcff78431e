using System.Text.Json;
using KhetiSahayak.Advisories.Import;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

/// <summary>The code lists stored as JSON are byte for byte what the serializer writes, so stored rows compare equal across versions.</summary>
[TestFixture]
public sealed class AdvisoryTablesJsonTests
{
    [Test]
    public void Json_RandomLists_MatchTheSerializer()
    {
        var seed = Environment.TickCount;
        TestContext.Out.WriteLine($"seed {seed}");
        var random = new Random(seed);
        const string Alphabet = "ABCZaz09_-+<>&'\"\\/ éक€\u0001";
        for (var i = 0; i < 5_000; i++)
        {
            var strings = Enumerable.Range(0, random.Next(0, 5))
                .Select(_ => new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Alphabet[random.Next(random.Next(2) == 0 ? 16 : Alphabet.Length)]).ToArray()))
                .ToArray();
            var longs = Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(0, 63)).ToArray();
            Assert.That(AdvisoryTables.Json(strings), Is.EqualTo(JsonSerializer.Serialize<IReadOnlyList<string>>(strings)), $"seed {seed}");
            Assert.That(AdvisoryTables.Json(longs), Is.EqualTo(JsonSerializer.Serialize<IReadOnlyList<long>>(longs)), $"seed {seed}");
        }

        Assert.That(AdvisoryTables.Json(new[] { "SOYBEAN", "PEARL_MILLET" }), Is.EqualTo("[\"SOYBEAN\",\"PEARL_MILLET\"]"));
    }

    [Test]
    public void Json_NumbersAtEveryDigitCountBoundary_MatchTheSerializer()
    {
        // The list is measured before it is written: each power of ten, its neighbours and the extremes of long.
        var edges = new List<long> { 0, long.MinValue, long.MaxValue, long.MinValue + 1 };
        for (long p = 1; p <= long.MaxValue / 10; p *= 10)
        {
            edges.AddRange([p - 1, p, -p, -(p - 1), (p * 10) - 1, -((p * 10) - 1)]);
        }

        Assert.That(AdvisoryTables.Json(edges), Is.EqualTo(JsonSerializer.Serialize<IReadOnlyList<long>>(edges)));
        Assert.That(AdvisoryTables.Json(Array.Empty<long>()), Is.EqualTo("[]"));
        Assert.That(AdvisoryTables.Json(Array.Empty<string>()), Is.EqualTo("[]"));
    }
}
