using System.Globalization;
using System.Text.Json.Nodes;
using KhetiSahayak.Server.Features.Dev;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Dev;

[TestFixture]
public sealed class DemoAdvisoryRebaseTests
{
    private static readonly Guid A = Guid.Parse("0190a1b2-0000-7000-8000-000000000001");
    private static readonly Guid B = Guid.Parse("0190a1b2-0000-7000-8000-000000000002");
    private static readonly DateTimeOffset Now = At("2026-11-23T12:00:00+05:30");

    private static readonly Dictionary<Guid, (long, DateTimeOffset)> Nothing = [];

    [Test]
    public void Plan_EmptyStore_ShiftsWholeDaysSoTheEarliestEndsAtLeastAWeekAhead()
    {
        var plan = DemoAdvisoryRebase.Plan(Sample(), Nothing, Now);

        var earliest = At("2025-06-30T23:59:59+05:30").AddDays(plan.ShiftDays);
        Assert.Multiple(() =>
        {
            Assert.That(plan.Reused, Is.False);
            Assert.That(earliest, Is.GreaterThanOrEqualTo(Now + DemoAdvisoryRebase.MinimumAhead));
            Assert.That(earliest.AddDays(-1), Is.LessThan(Now + DemoAdvisoryRebase.MinimumAhead), "the smallest such shift");
            Assert.That(plan.Versions, Is.EqualTo(new Dictionary<Guid, long> { [A] = 1, [B] = 3 }));
        });
    }

    [Test]
    public void Apply_Plan_MovesEveryInstantByTheShiftKeepingTheOffset()
    {
        var plan = new DemoAdvisoryPlan(10, false, new Dictionary<Guid, long> { [A] = 4, [B] = 3 });

        var rebased = DemoAdvisoryRebase.Apply(Sample(), plan);

        var a = rebased[0]!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That((string?)a["issued_at"], Is.EqualTo("2025-06-15T09:00:00+05:30"));
            Assert.That((string?)a["valid_from"], Is.EqualTo("2025-06-15T09:00:00+05:30"));
            Assert.That((string?)a["valid_to"], Is.EqualTo("2025-07-10T23:59:59+05:30"));
            Assert.That((long?)a["version"], Is.EqualTo(4));
            Assert.That((string?)Sample()[0]!["valid_to"], Is.EqualTo("2025-06-30T23:59:59+05:30"), "the sample itself is not changed");
        });
    }

    [Test]
    public void Plan_StoreHoldsACurrentRebase_KeepsItsShiftAndVersions()
    {
        var first = DemoAdvisoryRebase.Plan(Sample(), Nothing, Now);
        var stored = Stored(first.ShiftDays, first.Versions);

        var again = DemoAdvisoryRebase.Plan(Sample(), stored, Now.AddDays(3));

        Assert.Multiple(() =>
        {
            Assert.That(again.Reused, Is.True);
            Assert.That(again.ShiftDays, Is.EqualTo(first.ShiftDays));
            Assert.That(again.Versions, Is.EqualTo(first.Versions));
        });
    }

    [Test]
    public void Plan_StoredRebaseHasEnded_ReissuesAtStoredVersionPlusOne()
    {
        var first = DemoAdvisoryRebase.Plan(Sample(), Nothing, Now);
        var stored = Stored(first.ShiftDays, first.Versions);

        var later = DemoAdvisoryRebase.Plan(Sample(), stored, Now.AddDays(30));

        Assert.Multiple(() =>
        {
            Assert.That(later.Reused, Is.False);
            Assert.That(later.ShiftDays, Is.GreaterThan(first.ShiftDays));
            Assert.That(later.Versions, Is.EqualTo(new Dictionary<Guid, long> { [A] = 2, [B] = 4 }));
        });
    }

    [Test]
    public void Plan_StoreHoldsTheUnshiftedSample_ReissuesAtVersionPlusOne()
    {
        var stored = Stored(0, new Dictionary<Guid, long> { [A] = 1, [B] = 3 });

        var plan = DemoAdvisoryRebase.Plan(Sample(), stored, Now);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Reused, Is.False);
            Assert.That(plan.Versions, Is.EqualTo(new Dictionary<Guid, long> { [A] = 2, [B] = 4 }));
        });
    }

    private static JsonArray Sample() => JsonNode.Parse($$"""
        [
          { "advisory_id": "{{A}}", "version": 1, "issued_at": "2025-06-05T09:00:00+05:30", "valid_from": "2025-06-05T09:00:00+05:30", "valid_to": "2025-06-30T23:59:59+05:30" },
          { "advisory_id": "{{B}}", "version": 3, "issued_at": "2025-07-14T10:00:00+05:30", "valid_from": "2025-07-15T00:00:00+05:30", "valid_to": "2025-08-15T23:59:59+05:30" }
        ]
        """)!.AsArray();

    private static Dictionary<Guid, (long, DateTimeOffset)> Stored(int days, IReadOnlyDictionary<Guid, long> versions) => new()
    {
        [A] = (versions[A], At("2025-06-30T23:59:59+05:30").AddDays(days).ToUniversalTime()),
        [B] = (versions[B], At("2025-08-15T23:59:59+05:30").AddDays(days).ToUniversalTime()),
    };

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
