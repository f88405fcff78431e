using KhetiSahayak.Advisories.Expiry;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Expiry;

/// <summary>Expiry against a real store and the sync engine; subclassed per store.</summary>
public abstract class AdvisoryExpiryTests : AdvisoryStoreTestBase
{
    private static readonly Guid Soybean = TestData.SampleId(5);

    [Test]
    public async Task ExpireAsync_ValidToPassed_MarksAdvisoryAndTranslationsExpiredAndDevicesDropThem()
    {
        var farmer = await H.SeedFarmerAsync(481, 4436, "mr-IN", "en-IN", "SOYBEAN");
        var device = await H.NewDeviceAsync();
        var principal = SyncHarness.FarmerPrincipal(farmer, Guid.CreateVersion7());
        await ImportSampleAsync();
        await H.SyncAsync(device, principal);
        Assert.That(await device.ReadAllAsync("advisory_translation", CancellationToken.None), Has.Count.EqualTo(2));

        // Past the soybean (2025-07-15) and paddy nursery (2025-06-30) windows, inside the others.
        Clock.Advance(TestData.Ist(2025, 7, 16, 0, 30) - Clock.GetUtcNow());
        var result = await Expiry().ExpireAsync(500, CancellationToken.None);
        await H.SyncAsync(device, principal);

        Assert.That(result, Is.EqualTo(new AdvisoryExpiryResult(2, 4)));
        var statuses = (await AdvisoriesAsync()).ToDictionary(r => (Guid)Value("advisory", r, "advisory_id")!, r => Value("advisory", r, "status"));
        Assert.Multiple(() =>
        {
            Assert.That(statuses[Soybean], Is.EqualTo("expired"));
            Assert.That(statuses[TestData.SampleId(4)], Is.EqualTo("expired"));
            Assert.That(statuses[TestData.SampleId(3)], Is.EqualTo("published"));
            Assert.That(statuses[TestData.SampleId(1)], Is.EqualTo("published"));
        });
        Assert.That((await TranslationsAsync(Soybean)).Select(t => Value("advisory_translation", t, "status")), Is.All.EqualTo("expired"));
        Assert.That(await device.ReadAllAsync("advisory_translation", CancellationToken.None), Is.Empty);
        Assert.That(await device.ReadAllAsync("advisory", CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task ExpireAsync_RunTwice_SecondChangesNothingAndReimportStaysUnchanged()
    {
        await ImportSampleAsync();
        Clock.Advance(TimeSpan.FromDays(65));
        var first = await Expiry().ExpireAsync(1, CancellationToken.None);
        var watermark = await H.Store.GetWatermarkAsync(CancellationToken.None);

        var second = await Expiry().ExpireAsync(1, CancellationToken.None);
        var reimport = await ImportSampleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.Advisories, Is.EqualTo(4));
            Assert.That(second, Is.EqualTo(new AdvisoryExpiryResult(0, 0)));
            Assert.That(reimport.Changed, Is.Zero);
            Assert.That(reimport.Unchanged, Is.EqualTo(5));
        });
        if (WatermarkMovesOnlyWithWrites)
        {
            Assert.That(await H.Store.GetWatermarkAsync(CancellationToken.None), Is.EqualTo(watermark));
        }
    }

    [Test]
    public async Task ExpireAsync_WithdrawnOrCurrentAdvisories_LeftAlone()
    {
        await ImportSampleAsync();
        await ImportAsync(
            "[" + TestData.SampleNodes()[3]!.ToJsonString().Replace("\"published\"", "\"withdrawn\"", StringComparison.Ordinal) + "]",
            AdvisoryInputFormat.Json);

        var result = await Expiry().ExpireAsync(500, CancellationToken.None);

        Assert.That(result, Is.EqualTo(new AdvisoryExpiryResult(0, 0)));
        Clock.Advance(TimeSpan.FromDays(31));
        var later = await Expiry().ExpireAsync(500, CancellationToken.None);
        Assert.That(later.Advisories, Is.EqualTo(1), "only the soybean advisory; the withdrawn paddy one stays withdrawn");
        var paddy = (await AdvisoriesAsync()).Single(r => Equals(Value("advisory", r, "advisory_id"), TestData.SampleId(4)));
        Assert.That(Value("advisory", paddy, "status"), Is.EqualTo("withdrawn"));
    }

    private AdvisoryExpiry Expiry() => new(H.Store, H.Catalog, Clock);
}
