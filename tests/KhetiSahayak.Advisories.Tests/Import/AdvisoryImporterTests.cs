using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

/// <summary>The importer against a real store and the sync engine; subclassed per store.</summary>
public abstract class AdvisoryImporterTests : AdvisoryStoreTestBase
{
    private const string Advisory = "advisory";
    private const string Translation = "advisory_translation";

    private static readonly Guid Soybean = TestData.SampleId(5);

    [Test]
    public async Task ImportAsync_SampleFile_ImportsAllFiveAndWarnsAboutTheEmptyKannadaTranslation()
    {
        var summary = await ImportSampleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(summary.Read, Is.EqualTo(5));
            Assert.That(summary.Inserted, Is.EqualTo(5));
            Assert.That(summary.Rejected, Is.Zero);
            Assert.That(summary.TranslationsWritten, Is.EqualTo(10));
            Assert.That(summary.Errors, Is.Zero);
        });
        var warning = summary.Issues.Single();
        Assert.Multiple(() =>
        {
            Assert.That(warning.Record, Is.EqualTo(2));
            Assert.That(warning.AdvisoryId, Is.EqualTo(TestData.SampleId(2).ToString()));
            Assert.That(warning.Field, Is.EqualTo("translations.kn-IN"));
            Assert.That(warning.Code, Is.EqualTo(AdvisoryImportReasons.MissingTranslation));
            Assert.That(warning.Severity, Is.EqualTo(AdvisoryImportIssueSeverity.Warning));
        });
        Assert.That(await AdvisoriesAsync(), Has.Count.EqualTo(5));
        Assert.That((await TranslationsAsync(TestData.SampleId(2))).Select(t => Value(Translation, t, "lang")), Is.EquivalentTo(new[] { "en-IN", "hi-IN" }));
    }

    [Test]
    public async Task ImportAsync_SampleFile_StoresTargetsAndCopiesFilterColumnsToTranslations()
    {
        await ImportSampleAsync();

        var wheat = (await AdvisoriesAsync()).Single(r => Value(Advisory, r, "advisory_id") is Guid g && g == TestData.SampleId(1));
        Assert.Multiple(() =>
        {
            Assert.That(Value(Advisory, wheat, "district_codes"), Is.EqualTo("[32,33,662]"));
            Assert.That(Value(Advisory, wheat, "block_codes"), Is.EqualTo("[]"));
            Assert.That(Value(Advisory, wheat, "crop_codes"), Is.EqualTo("[\"WHEAT\"]"));
            Assert.That(Value(Advisory, wheat, "stage_codes"), Is.EqualTo("[\"TILLERING\",\"JOINTING\",\"BOOTING\"]"));
            Assert.That(Value(Advisory, wheat, "issuing_office"), Is.EqualTo("KVK Gurdaspur"));
            Assert.That(Value(Advisory, wheat, "primary_lang"), Is.EqualTo("en-IN"));
            Assert.That(Value(Advisory, wheat, "valid_to"), Is.EqualTo(DateTimeOffset.Parse("2026-02-05T23:59:59+05:30", CultureInfo.InvariantCulture)));
            Assert.That(Value(Advisory, wheat, "recommended_inputs"), Does.Contain("propiconazole"));
        });

        var soybean = (await AdvisoriesAsync()).Single(r => Value(Advisory, r, "advisory_id") is Guid g && g == Soybean);
        Assert.Multiple(() =>
        {
            Assert.That(Value(Advisory, soybean, "district_codes"), Is.EqualTo("[]"));
            Assert.That(Value(Advisory, soybean, "block_codes"), Is.EqualTo("[4432,4436,4437,4440]"));
            Assert.That(Value(Advisory, soybean, "primary_lang"), Is.EqualTo("mr-IN"));
        });
        var marathi = (await TranslationsAsync(Soybean)).Single(t => Equals(Value(Translation, t, "lang"), "mr-IN"));
        Assert.Multiple(() =>
        {
            Assert.That(Value(Translation, marathi, "translation_id"), Is.EqualTo(TranslationIds.For(Soybean, "mr-IN")));
            Assert.That(Value(Translation, marathi, "block_codes"), Is.EqualTo("[4432,4436,4437,4440]"));
            Assert.That(Value(Translation, marathi, "district_codes"), Is.EqualTo("[]"));
            Assert.That(Value(Translation, marathi, "crop_codes"), Is.EqualTo("[\"SOYBEAN\"]"));
            Assert.That(Value(Translation, marathi, "status"), Is.EqualTo("published"));
        });
    }

    [Test]
    public async Task ImportAsync_SameFileTwice_SecondChangesNothingAndMovesNoStamp()
    {
        var farmer = await H.SeedFarmerAsync(481, 4436, "mr-IN", "en-IN", "SOYBEAN");
        var device = await H.NewDeviceAsync();
        var principal = SyncHarness.FarmerPrincipal(farmer, Guid.CreateVersion7());
        await ImportSampleAsync();
        await H.SyncAsync(device, principal);
        var versions = await VersionsAsync();
        var watermark = await H.Store.GetWatermarkAsync(CancellationToken.None);

        var second = await ImportSampleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(second.Changed, Is.Zero);
            Assert.That(second.Unchanged, Is.EqualTo(5));
            Assert.That(second.TranslationsWritten, Is.Zero);
            Assert.That(second.TranslationsDeleted, Is.Zero);
        });
        Assert.That(await VersionsAsync(), Is.EqualTo(versions));
        if (WatermarkMovesOnlyWithWrites)
        {
            Assert.That(await H.Store.GetWatermarkAsync(CancellationToken.None), Is.EqualTo(watermark));
        }

        var resync = await H.SyncAsync(device, principal);
        Assert.That(resync.RowsUpserted + resync.RowsDeleted, Is.Zero);
    }

    [Test]
    public async Task ImportAsync_HigherVersion_ReachesTheDeviceAndDropsTheTranslationItNoLongerHas()
    {
        var farmer = await H.SeedFarmerAsync(481, 4436, "mr-IN", "en-IN", "SOYBEAN");
        var device = await H.NewDeviceAsync();
        var principal = SyncHarness.FarmerPrincipal(farmer, Guid.CreateVersion7());
        await ImportSampleAsync();
        await H.SyncAsync(device, principal);
        Assert.That(await DeviceTranslationsAsync(device, Soybean), Has.Count.EqualTo(2));

        var v2 = await ImportAsync(SoybeanVersion(2, a =>
        {
            a["translations"]!["mr-IN"]!["body"] = "सुधारित सल्ला: ७५ ते १०० मिमी पावसानंतरच पेरणी करा.";
            a["translations"]!.AsObject().Remove("en-IN");
        }), AdvisoryInputFormat.Json);
        await H.SyncAsync(device, principal);

        Assert.Multiple(() =>
        {
            Assert.That(v2.Updated, Is.EqualTo(1));
            Assert.That(v2.TranslationsWritten, Is.EqualTo(1));
            Assert.That(v2.TranslationsDeleted, Is.EqualTo(1));
        });
        var onDevice = await DeviceTranslationsAsync(device, Soybean);
        Assert.That(onDevice.Select(t => Value(Translation, t, "lang")), Is.EqualTo(new[] { "mr-IN" }));
        Assert.That(Value(Translation, onDevice[0], "body"), Does.StartWith("सुधारित सल्ला"));
        var advisory = (await device.ReadAllAsync(Advisory, CancellationToken.None)).Single(r => Equals(Value(Advisory, r, "advisory_id"), Soybean));
        Assert.That(Value(Advisory, advisory, "version"), Is.EqualTo(2L));

        // The language comes back in version 3 under the same deterministic id.
        await ImportAsync(SoybeanVersion(3), AdvisoryInputFormat.Json);
        await H.SyncAsync(device, principal);
        Assert.That((await DeviceTranslationsAsync(device, Soybean)).Select(t => Value(Translation, t, "translation_id")),
            Is.EquivalentTo(new[] { TranslationIds.For(Soybean, "mr-IN"), TranslationIds.For(Soybean, "en-IN") }));
    }

    [TestCase(1, TestName = "ImportAsync_WithdrawnAtTheSameVersion_RemovesFromTheDevice")]
    [TestCase(2, TestName = "ImportAsync_WithdrawnAtAHigherVersion_RemovesFromTheDevice")]
    public async Task ImportAsync_Withdrawn_RemovesFromTheDevice(int version)
    {
        var farmer = await H.SeedFarmerAsync(481, 4436, "mr-IN", "en-IN", "SOYBEAN");
        var device = await H.NewDeviceAsync();
        var principal = SyncHarness.FarmerPrincipal(farmer, Guid.CreateVersion7());
        await ImportSampleAsync();
        await H.SyncAsync(device, principal);
        Assert.That(await DeviceTranslationsAsync(device, Soybean), Is.Not.Empty);

        var summary = await ImportAsync(SoybeanVersion(version, a => a["status"] = "withdrawn"), AdvisoryInputFormat.Json);
        await H.SyncAsync(device, principal);

        Assert.That(summary.Updated, Is.EqualTo(1));
        Assert.That(await DeviceTranslationsAsync(device, Soybean), Is.Empty);
        Assert.That((await device.ReadAllAsync(Advisory, CancellationToken.None)).Select(r => Value(Advisory, r, "advisory_id")), Does.Not.Contain(Soybean));
        Assert.That((await TranslationsAsync(Soybean)).Select(t => Value(Translation, t, "status")), Is.All.EqualTo("withdrawn"));
    }

    [Test]
    public async Task ImportAsync_LowerVersionThanStored_RejectedAsStale()
    {
        await ImportAsync(SoybeanVersion(3), AdvisoryInputFormat.Json);

        var summary = await ImportAsync(SoybeanVersion(2), AdvisoryInputFormat.Json);

        Assert.That(summary.Rejected, Is.EqualTo(1));
        AssertIssue(summary, 1, "version", AdvisoryImportReasons.StaleVersion);
        Assert.That(Value(Advisory, (await AdvisoriesAsync()).Single(), "version"), Is.EqualTo(3L));
    }

    [Test]
    public async Task ImportAsync_SameVersionWithDifferentText_RejectedAsVersionConflict()
    {
        await ImportSampleAsync();
        var versions = await VersionsAsync();

        var summary = await ImportAsync(SoybeanVersion(1, a => a["translations"]!["en-IN"]!["title"] = "Soybean sowing (edited)"), AdvisoryInputFormat.Json);

        Assert.That(summary.Rejected, Is.EqualTo(1));
        AssertIssue(summary, 1, "version", AdvisoryImportReasons.VersionConflict);
        Assert.That(await VersionsAsync(), Is.EqualTo(versions));
    }

    [Test]
    public async Task ImportAsync_TwoVersionsOfOneAdvisoryInOneFile_TheLaterLineWins()
    {
        var v1 = JsonNode.Parse(SoybeanVersion(1))!.AsArray()[0]!.DeepClone();
        var v2 = JsonNode.Parse(SoybeanVersion(2, a => a["translations"]!["en-IN"]!["title"] = "Soybean sowing v2"))!.AsArray()[0]!.DeepClone();

        var summary = await ImportAsync(new JsonArray(v1, v2).ToJsonString(), AdvisoryInputFormat.Json);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Inserted, Is.EqualTo(1));
            Assert.That(summary.Updated, Is.EqualTo(1));
        });
        var english = (await TranslationsAsync(Soybean)).Single(t => Equals(Value(Translation, t, "lang"), "en-IN"));
        Assert.That(Value(Translation, english, "title"), Is.EqualTo("Soybean sowing v2"));
    }

    [Test]
    public async Task ImportAsync_OneAdvisoryInConsecutiveBatches_EachBatchSeesTheOneBefore()
    {
        // Batches of two: [A1, B1] [C1, A2] [D1, A2 again]. The second and third batches share A with the batch before
        // them, so they are planned only once it is written.
        Guid a = Guid.CreateVersion7(), b = Guid.CreateVersion7(), c = Guid.CreateVersion7(), d = Guid.CreateVersion7();
        var csv = new CsvText()
            .Advisory(a)
            .Advisory(b)
            .Advisory(c)
            .Advisory(a, ("version", "2"), ("title", "Soybean: stem fly, second spray"))
            .Advisory(d)
            .Advisory(a, ("version", "2"), ("title", "Soybean: stem fly, second spray"));

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv, new AdvisoryImportOptions { BatchSize = 2 });

        Assert.Multiple(() =>
        {
            Assert.That(summary.Inserted, Is.EqualTo(4), AdvisoryImportReport.ToText(summary));
            Assert.That(summary.Updated, Is.EqualTo(1));
            Assert.That(summary.Unchanged, Is.EqualTo(1));
            Assert.That(summary.Errors, Is.Zero);
            Assert.That(summary.TranslationsWritten, Is.EqualTo(10));
        });
        var stored = (await AdvisoriesAsync()).Single(r => Equals(Value(Advisory, r, "advisory_id"), a));
        Assert.That(Value(Advisory, stored, "version"), Is.EqualTo(2L));
        Assert.That((await TranslationsAsync(a)).Select(t => Value(Translation, t, "title")), Is.All.EqualTo("Soybean: stem fly, second spray"));
    }

    [Test]
    public async Task ImportAsync_ReimportAcrossBatchesWithSomeChanged_WritesExactlyThoseAndMovesNoOtherStamp()
    {
        var ids = Enumerable.Range(0, 9).Select(_ => Guid.CreateVersion7()).ToArray();
        var first = CsvText.Of(ids);

        var options = new AdvisoryImportOptions { BatchSize = 2 };
        await ImportAsync(first.ToString(), AdvisoryInputFormat.Csv, options);
        var before = await StampsAsync();

        // Advisories 2 and 7 get a new version with a new title, 5 is withdrawn at the same version; the rest repeat.
        var second = new CsvText();
        for (var i = 0; i < ids.Length; i++)
        {
            second.Advisory(ids[i], i switch
            {
                2 or 7 => [("version", "2"), ("title", $"revised {i}")],
                5 => [("status", "withdrawn")],
                _ => [],
            });
        }

        var summary = await ImportAsync(second.ToString(), AdvisoryInputFormat.Csv, options);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Updated, Is.EqualTo(3), AdvisoryImportReport.ToText(summary));
            Assert.That(summary.Unchanged, Is.EqualTo(6));
            Assert.That(summary.Inserted, Is.Zero);
            Assert.That(summary.Errors, Is.Zero);
        });
        var after = await StampsAsync();
        Guid[] changed = [ids[2], ids[5], ids[7]];
        foreach (var (key, advisoryId) in before.Keys.Select(k => (k, AdvisoryOf(k))))
        {
            if (changed.Contains(advisoryId))
            {
                Assert.That(after[key], Is.Not.EqualTo(before[key]), $"row {key} of changed advisory {advisoryId} was not rewritten");
            }
            else
            {
                Assert.That(after[key], Is.EqualTo(before[key]), $"row {key} of unchanged advisory {advisoryId} was rewritten");
            }
        }

        Assert.That((await TranslationsAsync(ids[7])).Select(t => Value(Translation, t, "title")), Is.All.EqualTo("revised 7"));
        Assert.That((await TranslationsAsync(ids[5])).Select(t => Value(Translation, t, "status")), Is.All.EqualTo("withdrawn"));

        Guid AdvisoryOf(Guid key) => ids.Contains(key) ? key : ids.Single(id => TranslationIds.For(id, "mr-IN") == key || TranslationIds.For(id, "en-IN") == key);
    }

    [Test]
    public async Task ImportAsync_StoredAdvisoriesAfterABatchOfNewOnes_SkippedPlanningReadsEndAsIfTheyHadRead()
    {
        // Stored first: one the file repeats as is, one it revises, one whose version it repeats with other text, and one
        // it has at an older version.
        Guid same = Guid.CreateVersion7(), revised = Guid.CreateVersion7(), conflicting = Guid.CreateVersion7(), stale = Guid.CreateVersion7();
        await ImportAsync(new CsvText().Advisory(same).Advisory(revised).Advisory(conflicting).Advisory(stale, ("version", "3")).ToString(), AdvisoryInputFormat.Csv);
        var before = await StampsAsync();
        Guid a = Guid.CreateVersion7(), b = Guid.CreateVersion7(), c = Guid.CreateVersion7();
        var csv = new CsvText().Advisory(a).Advisory(b).Advisory(same).Advisory(c)
            .Advisory(revised, ("version", "2"), ("title", "revised")).Advisory(conflicting, ("title", "other text")).Advisory(stale, ("version", "2"))
            .ToString();

        // Batches of two. The first (a, b) is planned by reading, which finds nothing stored. The file's rest arrives only
        // once that batch is being written, so the next batches skip their planning reads and take every advisory for
        // new; their writes meet the stored ones, and each must end exactly as a planning read would have made it.
        var probe = new InsertAllNewProbeStore(H.Store);
        var importer = await ImporterAsync(new AdvisoryImportOptions { BatchSize = 2, WriteConcurrency = 1 }, probe);
        var bytes = Encoding.UTF8.GetBytes(csv);
        var firstPart = Encoding.UTF8.GetByteCount(string.Concat(csv.Split('\n').Take(6).Select(line => line + "\n"))); // header, a, b, and same's first row
        await using var input = new GatedStream(bytes, firstPart, probe.FirstCall);

        var summary = await importer.ImportAsync(input, AdvisoryInputFormat.Csv, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(probe.Answers, Does.Contain(false), "a batch planned without reading met a stored advisory");
            Assert.That(summary.Inserted, Is.EqualTo(3), AdvisoryImportReport.ToText(summary));
            Assert.That(summary.Updated, Is.EqualTo(1));
            Assert.That(summary.Unchanged, Is.EqualTo(1));
            Assert.That(summary.Issues.Select(i => (i.AdvisoryId, i.Code)), Is.EquivalentTo(new[]
            {
                (conflicting.ToString(), AdvisoryImportReasons.VersionConflict),
                (stale.ToString(), AdvisoryImportReasons.StaleVersion),
            }));
        });
        var after = await StampsAsync();
        Assert.That(after, Has.Count.EqualTo(21));
        foreach (var id in new[] { same, conflicting, stale })
        {
            foreach (var key in new[] { id, TranslationIds.For(id, "mr-IN"), TranslationIds.For(id, "en-IN") })
            {
                Assert.That(after[key], Is.EqualTo(before[key]), $"row {key} of advisory {id} was rewritten");
            }
        }

        Assert.That((await TranslationsAsync(revised)).Select(t => Value(Translation, t, "title")), Is.All.EqualTo("revised"));
        Assert.That((await TranslationsAsync(conflicting)).Select(t => Value(Translation, t, "title")), Has.None.EqualTo("other text"));
    }

    [Test]
    public async Task ImportAsync_DryRunWithStoredAdvisoriesAfterABatchOfNewOnes_StillReadsAndCountsThemRight()
    {
        // A real import skips the planning reads after a batch that found nothing stored (its writes find out); a dry
        // run writes nothing, so only reading can tell it what is stored. Stored first: one the file repeats as is and
        // one whose version it repeats with other text.
        Guid same = Guid.CreateVersion7(), conflicting = Guid.CreateVersion7();
        await ImportAsync(new CsvText().Advisory(same).Advisory(conflicting).ToString(), AdvisoryInputFormat.Csv);
        var before = await StampsAsync();
        Guid a = Guid.CreateVersion7(), b = Guid.CreateVersion7(), c = Guid.CreateVersion7();
        var csv = new CsvText().Advisory(a).Advisory(b).Advisory(same).Advisory(conflicting, ("title", "other text")).Advisory(c).ToString();

        // Batches of two. The file's rest arrives only once the first batch (a, b) has been planned by reading and found
        // nothing stored, the point after which a real import would plan the next batches as all new.
        var probe = new PlanningReadProbeStore(H.Store, Translation);
        var importer = await ImporterAsync(new AdvisoryImportOptions { BatchSize = 2, WriteConcurrency = 1, DryRun = true }, probe);
        var bytes = Encoding.UTF8.GetBytes(csv);
        var firstPart = Encoding.UTF8.GetByteCount(string.Concat(csv.Split('\n').Take(6).Select(line => line + "\n"))); // header, a, b, and same's first row
        await using var input = new GatedStream(bytes, firstPart, probe.FirstPlanned);

        var summary = await importer.ImportAsync(input, AdvisoryInputFormat.Csv, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Inserted, Is.EqualTo(3), AdvisoryImportReport.ToText(summary));
            Assert.That(summary.Unchanged, Is.EqualTo(1));
            Assert.That(summary.Issues.Select(i => (i.AdvisoryId, i.Code)), Is.EqualTo(new[] { (conflicting.ToString(), AdvisoryImportReasons.VersionConflict) }));
        });
        Assert.That(await StampsAsync(), Is.EqualTo(before), "a dry run writes nothing");
    }

    [Test]
    public async Task ImportAsync_OneBatchOfNewAndStoredAdvisories_InsertsTheNewAndRewritesOnlyTheChanged()
    {
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToArray();
        await ImportAsync(new CsvText().Advisory(ids[0]).Advisory(ids[1]).ToString(), AdvisoryInputFormat.Csv);
        var before = await StampsAsync();

        // One batch: ids[0] repeated, ids[1] at a new version, three advisories never seen (the store's path for new keys).
        var summary = await ImportAsync(
            new CsvText().Advisory(ids[2]).Advisory(ids[0]).Advisory(ids[3]).Advisory(ids[1], ("version", "2"), ("title", "revised")).Advisory(ids[4]).ToString(),
            AdvisoryInputFormat.Csv);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Inserted, Is.EqualTo(3), AdvisoryImportReport.ToText(summary));
            Assert.That(summary.Updated, Is.EqualTo(1));
            Assert.That(summary.Unchanged, Is.EqualTo(1));
            Assert.That(summary.TranslationsWritten, Is.EqualTo(8));
        });
        var after = await StampsAsync();
        Assert.That(after, Has.Count.EqualTo(15));
        foreach (var key in new[] { ids[0], TranslationIds.For(ids[0], "mr-IN"), TranslationIds.For(ids[0], "en-IN") })
        {
            Assert.That(after[key], Is.EqualTo(before[key]), $"row {key} of the unchanged advisory was rewritten");
        }

        Assert.That(after[ids[1]], Is.Not.EqualTo(before[ids[1]]));
        Assert.That((await TranslationsAsync(ids[1])).Select(t => Value(Translation, t, "title")), Is.All.EqualTo("revised"));
    }

    [Test]
    public async Task ImportAsync_AdvisoryDeletedOnTheServer_ReimportBringsItAndItsTranslationsBack()
    {
        Guid kept = Guid.CreateVersion7(), deleted = Guid.CreateVersion7();
        var csv = new CsvText().Advisory(kept).Advisory(deleted).ToString();
        await ImportAsync(csv, AdvisoryInputFormat.Csv);
        await H.ServerWriteAsync(async s =>
        {
            await s.DeleteManyAsync(H.Catalog[Advisory], [deleted], Clock.GetUtcNow(), CancellationToken.None);
            await s.DeleteManyAsync(H.Catalog[Translation], [TranslationIds.For(deleted, "mr-IN"), TranslationIds.For(deleted, "en-IN")], Clock.GetUtcNow(), CancellationToken.None);
        });

        // Neither planning read sees the tombstones (they read live rows), so the rows look new; they are not.
        var summary = await ImportAsync(csv, AdvisoryInputFormat.Csv);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Inserted, Is.EqualTo(1), AdvisoryImportReport.ToText(summary));
            Assert.That(summary.Unchanged, Is.EqualTo(1));
            Assert.That(summary.Errors, Is.Zero);
        });
        Assert.That((await AdvisoriesAsync()).Select(r => Value(Advisory, r, "advisory_id")), Is.EquivalentTo(new object[] { kept, deleted }));
        Assert.That(await TranslationsAsync(deleted), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task ImportAsync_InvalidRecord_NamesItsRowAndFieldAndLeavesItsStoredRowsAsTheyWere()
    {
        Guid kept = Guid.CreateVersion7(), bad = Guid.CreateVersion7();
        await ImportAsync(new CsvText().Advisory(kept).Advisory(bad).ToString(), AdvisoryInputFormat.Csv);
        var before = await StampsAsync();
        var titles = (await TranslationsAsync(bad)).Select(t => Value(Translation, t, "title")).ToList();

        // Rows 2-3 are the first advisory, unchanged; the second's new version (rows 4-5) targets an unknown district.
        var csv = new CsvText()
            .Advisory(kept)
            .Advisory(bad, ("version", "2"), ("title", "new"), ("district_codes", "999999"));
        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Rejected, Is.EqualTo(1));
            Assert.That(summary.Unchanged, Is.EqualTo(1));
            Assert.That(summary.Changed, Is.Zero);
        });
        Assert.That(summary.Issues.Select(i => (i.Record, i.Row, i.Field, i.Code)), Does.Contain((2L, (long?)4, "district_codes", AdvisoryImportReasons.UnknownLgdCode)), AdvisoryImportReport.ToText(summary));
        Assert.That(await StampsAsync(), Is.EqualTo(before));
        Assert.That((await TranslationsAsync(bad)).Select(t => Value(Translation, t, "title")), Is.EqualTo(titles));
    }

    [Test]
    public async Task ImportAsync_CsvAndJsonOfOneAdvisory_StoreTheSameRows()
    {
        var csv = new CsvText()
            .WithColumns([.. CsvText.Columns, "issued_at"])
            .Row(Soybean, "mr-IN", Sample5Csv("mr-IN"))
            .Row(Soybean, "en-IN", Sample5Csv("en-IN"));
        await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);
        var fromCsv = (await AdvisoriesAsync()).Single().Values;
        var translationsFromCsv = (await TranslationsAsync()).Select(t => t.Values).ToList();

        var json = await ImportAsync(SoybeanVersion(1), AdvisoryInputFormat.Json);

        // The same content at the same version: the JSON import finds nothing to change.
        Assert.That(json.Unchanged, Is.EqualTo(1), AdvisoryImportReport.ToText(json));
        Assert.That((await AdvisoriesAsync()).Single().Values, Is.EqualTo(fromCsv));
        Assert.That((await TranslationsAsync()).Select(t => t.Values), Is.EqualTo(translationsFromCsv));
    }

    [Test]
    public async Task ImportAsync_AfterValidTo_StoresExpiredAndNoDeviceReceivesIt()
    {
        Clock.Advance(TimeSpan.FromDays(365 * 2));
        var farmer = await H.SeedFarmerAsync(481, 4436, "mr-IN", "en-IN", "SOYBEAN");
        var device = await H.NewDeviceAsync();

        var summary = await ImportSampleAsync();
        await H.SyncAsync(device, SyncHarness.FarmerPrincipal(farmer, Guid.CreateVersion7()));

        Assert.That(summary.Inserted, Is.EqualTo(5));
        Assert.That((await AdvisoriesAsync()).Select(r => Value(Advisory, r, "status")), Is.All.EqualTo("expired"));
        Assert.That(await device.ReadAllAsync(Translation, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task ImportAsync_DryRun_CountsWhatWouldChangeAndWritesNothing()
    {
        var watermark = await H.Store.GetWatermarkAsync(CancellationToken.None);
        await using var input = File.OpenRead(TestData.SampleAdvisoriesPath);

        var summary = await (await ImporterAsync(new AdvisoryImportOptions { DryRun = true })).ImportAsync(input, AdvisoryInputFormat.Json, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(summary.DryRun, Is.True);
            Assert.That(summary.Inserted, Is.EqualTo(5));
            Assert.That(summary.Warnings, Is.EqualTo(1));
        });
        Assert.That(await AdvisoriesAsync(), Is.Empty);
        if (WatermarkMovesOnlyWithWrites)
        {
            Assert.That(await H.Store.GetWatermarkAsync(CancellationToken.None), Is.EqualTo(watermark));
        }
    }

    [Test]
    public async Task ImportAsync_WriteFailsInsideARecord_TheRecordLandsWholeOrNotAtAll()
    {
        // Advisory 2's Hindi translation fails after its advisory row and English translation were written. One batch
        // is written at a time, so the import stops right there (concurrent writers: the test after this one).
        var failing = new FailingStore(H.Store, (table, values) =>
            table.Name == Translation && Equals(values[table.Ordinal("advisory_id")], TestData.SampleId(2)) && Equals(values[table.Ordinal("lang")], "hi-IN"));
        var importer = await ImporterAsync(new AdvisoryImportOptions { BatchSize = 1, WriteConcurrency = 1 }, failing);
        await using var input = File.OpenRead(TestData.SampleAdvisoriesPath);

        Assert.That(async () => await importer.ImportAsync(input, AdvisoryInputFormat.Json, null, CancellationToken.None), Throws.InvalidOperationException);

        var ids = (await AdvisoriesAsync()).Select(r => (Guid)Value(Advisory, r, "advisory_id")!).ToList();
        Assert.That(ids, Is.EqualTo(new[] { TestData.SampleId(1) }));
        Assert.That(await TranslationsAsync(TestData.SampleId(1)), Has.Count.EqualTo(2));
        Assert.That(await TranslationsAsync(TestData.SampleId(2)), Is.Empty);

        // Nothing half-written stands in the way of the retry.
        var retry = await ImportSampleAsync();
        Assert.Multiple(() =>
        {
            Assert.That(retry.Unchanged, Is.EqualTo(1));
            Assert.That(retry.Inserted, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task ImportAsync_WriteFailsWithBatchesWrittenSideBySide_NoRecordIsHalfWrittenAndNothingIsLeftWriting()
    {
        // Records of one advisory each, batches of one, up to four written at once where the store allows it; the
        // fifth record's Marathi translation fails.
        var ids = Enumerable.Range(0, 12).Select(_ => Guid.CreateVersion7()).ToList();
        var csv = CsvText.Of(ids);

        var probe = new SessionProbeStore(new FailingStore(H.Store, (table, values) =>
            table.Name == Translation && Equals(values[table.Ordinal("advisory_id")], ids[4]) && Equals(values[table.Ordinal("lang")], "mr-IN")));
        var importer = await ImporterAsync(new AdvisoryImportOptions { BatchSize = 1, WriteConcurrency = 4 }, probe);
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));

        Assert.That(async () => await importer.ImportAsync(input, AdvisoryInputFormat.Csv, null, CancellationToken.None), Throws.InvalidOperationException);

        Assert.That(probe.Open, Is.Zero, "a write session was still open when the import threw");
        var stored = (await AdvisoriesAsync()).Select(r => (Guid)Value(Advisory, r, "advisory_id")!).ToList();
        Assert.That(stored, Does.Not.Contain(ids[4]));
        Assert.That(await TranslationsAsync(ids[4]), Is.Empty);

        // Every record before the failed one landed; one after it may have, if it was being written at the time; each
        // stored record is whole.
        Assert.That(stored, Is.SupersetOf(ids.Take(4)));
        Assert.That(stored, Has.Count.LessThanOrEqualTo(4 + 3));
        foreach (var id in stored)
        {
            Assert.That(await TranslationsAsync(id), Has.Count.EqualTo(2), $"advisory {id}");
        }

        // A re-run skips what landed and imports the rest.
        var retry = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv);
        Assert.Multiple(() =>
        {
            Assert.That(retry.Unchanged + retry.Inserted, Is.EqualTo(12));
            Assert.That(retry.Unchanged, Is.EqualTo(stored.Count));
        });
    }

    [Test]
    public async Task ImportAsync_WriteConcurrency_OpensSideBySideSessionsOnlyWhereTheStoreRunsThemSideBySide()
    {
        var csv = new CsvText();
        for (var i = 0; i < 6; i++)
        {
            csv.Advisory(Guid.CreateVersion7());
        }

        // The first batch's commit waits (at most 2 s) for a second write session to open.
        var probe = new SessionProbeStore(H.Store, holdFirstCommitFor: TimeSpan.FromSeconds(2));
        var importer = await ImporterAsync(new AdvisoryImportOptions { BatchSize = 2, WriteConcurrency = 2 }, probe);
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));

        var summary = await importer.ImportAsync(input, AdvisoryInputFormat.Csv, null, CancellationToken.None);

        Assert.That(summary.Inserted, Is.EqualTo(6), AdvisoryImportReport.ToText(summary));
        Assert.That(probe.MostOpen, Is.EqualTo(H.Store.ConcurrentWriteSessions ? 2 : 1));
        Assert.That(probe.Open, Is.Zero);
    }

    [Test]
    public async Task ImportAsync_OneAdvisoryRevisedAcrossManyBatchesWrittenSideBySide_EveryRevisionLandsInFileOrder()
    {
        // Batches of two, four written at once: each advisory comes back at a higher version a few batches later, so
        // a batch often shares an advisory with one still being written and must wait for it. Had they been written
        // side by side, the later version could commit first and the earlier one would be rejected as stale.
        var ids = Enumerable.Range(0, 6).Select(_ => Guid.CreateVersion7()).ToList();
        var csv = new CsvText();
        for (var version = 1; version <= 4; version++)
        {
            foreach (var id in ids)
            {
                csv.Advisory(id, ("version", version.ToString(CultureInfo.InvariantCulture)), ("title", $"revision {version}"));
            }
        }

        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv, new AdvisoryImportOptions { BatchSize = 2, WriteConcurrency = 4 });

        Assert.Multiple(() =>
        {
            Assert.That(summary.Errors, Is.Zero, AdvisoryImportReport.ToText(summary));
            Assert.That(summary.Inserted, Is.EqualTo(6));
            Assert.That(summary.Updated, Is.EqualTo(18));
        });
        foreach (var id in ids)
        {
            var stored = (await AdvisoriesAsync()).Single(r => Equals(Value(Advisory, r, "advisory_id"), id));
            Assert.That(Value(Advisory, stored, "version"), Is.EqualTo(4L));
            Assert.That((await TranslationsAsync(id)).Select(t => Value(Translation, t, "title")), Is.All.EqualTo("revision 4"));
        }
    }

    [Test]
    public async Task ImportAsync_TranslationsStoredUnderEarlierVersion5Ids_AreMatchedByLanguageAndKeepTheirIds()
    {
        // A store as imports before the time-ordered ids left it: the advisory's translations under UUIDv5 ids.
        var id = Guid.CreateVersion7();
        var v1 = new CsvText().Advisory(id).ToString();
        await ImportAsync(v1, AdvisoryInputFormat.Csv);
        var table = H.Catalog[Translation];
        var rekeyed = (await TranslationsAsync(id)).Select(r =>
        {
            var values = (object?[])r.Values.Clone();
            values[table.KeyOrdinal] = LegacyTranslationIds.For(id, (string)Value(Translation, r, "lang")!);
            return values;
        }).ToList();
        await H.ServerWriteAsync(async s =>
        {
            await s.DeleteManyAsync(table, [TranslationIds.For(id, "mr-IN"), TranslationIds.For(id, "en-IN")], Clock.GetUtcNow(), CancellationToken.None);
            await s.UpsertManyAsync(table, rekeyed, CancellationToken.None);
        });
        Guid legacyMarathi = LegacyTranslationIds.For(id, "mr-IN"), legacyEnglish = LegacyTranslationIds.For(id, "en-IN");
        var stamps = (await TranslationsAsync(id)).Select(r => r.Version).ToList();

        // The same file again: unchanged, nothing written.
        var again = await ImportAsync(v1, AdvisoryInputFormat.Csv);
        Assert.Multiple(() =>
        {
            Assert.That(again.Unchanged, Is.EqualTo(1), AdvisoryImportReport.ToText(again));
            Assert.That(again.TranslationsWritten, Is.Zero);
            Assert.That(again.Errors, Is.Zero);
        });
        Assert.That((await TranslationsAsync(id)).Select(r => r.Version), Is.EqualTo(stamps));

        // Version 2: Marathi revised, English dropped, Hindi added. Marathi is rewritten under its old id, English is
        // deleted, Hindi gets a new id.
        var v2 = new CsvText()
            .Row(id, "mr-IN", ("version", "2"), ("title", "सोयाबीन: दुसरी फवारणी"))
            .Row(id, "hi-IN", ("version", "2"), ("title", "सोयाबीन: दूसरा छिड़काव"), ("body", "दूसरा छिड़काव करें।"), ("sms_text", "दूसरा छिड़काव करें।"))
            .ToString();
        var revised = await ImportAsync(v2, AdvisoryInputFormat.Csv);

        Assert.Multiple(() =>
        {
            Assert.That(revised.Updated, Is.EqualTo(1), AdvisoryImportReport.ToText(revised));
            Assert.That(revised.Errors, Is.Zero);
            Assert.That(revised.TranslationsWritten, Is.EqualTo(2));
            Assert.That(revised.TranslationsDeleted, Is.EqualTo(1));
        });
        var live = (await TranslationsAsync(id)).ToDictionary(r => (string)Value(Translation, r, "lang")!, r => (Guid)r.Values[table.KeyOrdinal]!);
        Assert.That(live, Is.EquivalentTo(new Dictionary<string, Guid> { ["mr-IN"] = legacyMarathi, ["hi-IN"] = TranslationIds.For(id, "hi-IN") }));
        Assert.That(live.Values, Does.Not.Contain(legacyEnglish));
    }

    [Test]
    public async Task ImportAsync_ALanguageStoredTwice_TheNextVersionKeepsTheLowerKeyAndDeletesTheOther()
    {
        // Two nodes of different releases imported the same new advisory at once: Marathi is stored under both id
        // schemes. At the same version the record cannot match the store (a conflict, nothing written); the next
        // version keeps the row with the lower key and deletes the other.
        var id = Guid.CreateVersion7();
        await ImportAsync(new CsvText().Advisory(id).ToString(), AdvisoryInputFormat.Csv);
        var table = H.Catalog[Translation];
        var marathi = (await TranslationsAsync(id)).Single(r => Equals(Value(Translation, r, "lang"), "mr-IN"));
        var twin = (object?[])marathi.Values.Clone();
        twin[table.KeyOrdinal] = LegacyTranslationIds.For(id, "mr-IN");
        await H.ServerWriteAsync(s => s.UpsertManyAsync(table, [twin], CancellationToken.None));
        Guid[] keys = [(Guid)marathi.Values[table.KeyOrdinal]!, (Guid)twin[table.KeyOrdinal]!];
        var lower = keys.Min();

        var same = await ImportAsync(new CsvText().Advisory(id).ToString(), AdvisoryInputFormat.Csv);
        Assert.That(same.Issues.Select(i => i.Code), Is.EqualTo(new[] { AdvisoryImportReasons.VersionConflict }), AdvisoryImportReport.ToText(same));

        var revised = await ImportAsync(new CsvText().Advisory(id, ("version", "2"), ("title", "revised")).ToString(), AdvisoryInputFormat.Csv);

        Assert.Multiple(() =>
        {
            Assert.That(revised.Updated, Is.EqualTo(1), AdvisoryImportReport.ToText(revised));
            Assert.That(revised.TranslationsDeleted, Is.EqualTo(1));
        });
        var live = await TranslationsAsync(id);
        var marathiRows = live.Where(r => Equals(Value(Translation, r, "lang"), "mr-IN")).ToList();
        Assert.That(marathiRows.Select(r => r.Values[table.KeyOrdinal]), Is.EqualTo(new object[] { lower }));
        Assert.That(live.Select(r => Value(Translation, r, "title")), Is.All.EqualTo("revised"));
    }

    [Test]
    public async Task ImportAsync_WithProgress_ReportsRunningCountsEndingWithTheSummary()
    {
        var csv = new CsvText();
        for (var i = 0; i < 7; i++)
        {
            csv.Advisory(Guid.CreateVersion7(), i == 3 ? [("category", "rumour")] : []);
        }

        var progress = new ProgressRecorder<AdvisoryImportProgress>();
        var summary = await ImportAsync(csv.ToString(), AdvisoryInputFormat.Csv, new AdvisoryImportOptions { BatchSize = 2 }, progress);

        Assert.That(progress.Reports, Is.Not.Empty);
        Assert.That(progress.Reports.Select(p => p.Read), Is.Ordered);
        Assert.That(progress.Reports[^1], Is.EqualTo(new AdvisoryImportProgress(7, 6, 0, 1)));
        Assert.That((summary.Read, summary.Changed, summary.Rejected), Is.EqualTo((7L, 6L, 1L)));
    }

    [Test]
    public async Task ImportAsync_LargeCsv_StreamsTheInputAndLandsEveryRow()
    {
        const int advisories = 25_000;
        var path = Path.Combine(H.WorkDir, "large.csv");
        await WriteLargeCsvAsync(path, advisories);
        await using var file = File.OpenRead(path);
        var length = file.Length;
        long? positionAtFirstBatch = null;
        long peakRetained = 0;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var progress = new ProgressRecorder<AdvisoryImportProgress>(p =>
        {
            positionAtFirstBatch ??= file.Position;
            if (p.Read % 5_000 == 0)
            {
                peakRetained = Math.Max(peakRetained, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        });
        var allocatedBefore = GC.GetTotalAllocatedBytes();

        var summary = await (await ImporterAsync()).ImportAsync(file, AdvisoryInputFormat.Csv, progress, CancellationToken.None);

        var allocatedPerRow = (GC.GetTotalAllocatedBytes() - allocatedBefore) / (advisories * 2);
        await TestContext.Out.WriteLineAsync($"{length / 1024} KiB file; read {positionAtFirstBatch / 1024} KiB at the first batch; {allocatedPerRow} bytes allocated per row; peak retained growth {peakRetained / 1024} KiB");
        Assert.Multiple(() =>
        {
            Assert.That(summary.Inserted, Is.EqualTo(advisories), AdvisoryImportReport.ToText(summary));
            Assert.That(summary.TranslationsWritten, Is.EqualTo(advisories * 2));
            Assert.That(summary.Issues, Is.Empty);

            // Streamed: when the first batch was written, only a sliver of the file had been read.
            Assert.That(positionAtFirstBatch, Is.LessThan(length / 20));

            // Loose bounds, not timings: memory follows the batch, not the file.
            Assert.That(peakRetained, Is.LessThan(64L * 1024 * 1024));
            Assert.That(allocatedPerRow, Is.LessThan(256 * 1024));
        });
        Assert.That(await AdvisoriesAsync(), Has.Count.EqualTo(advisories));
        Assert.That(await TranslationsAsync(), Has.Count.EqualTo(advisories * 2));
    }

    private static async Task WriteLargeCsvAsync(string path, int advisories)
    {
        var districts = new[] { "481", "482", "483", "484", "485" };
        var crops = new[] { "SOYBEAN", "COTTON", "PIGEONPEA", "CHICKPEA", "ALL" };
        await using var writer = new StreamWriter(path);
        await writer.WriteLineAsync(string.Join(',', CsvText.Columns));
        for (var i = 0; i < advisories; i++)
        {
            var id = new Guid($"0190ffff-0000-7000-8000-{i:D12}");
            foreach (var lang in new[] { "mr-IN", "en-IN" })
            {
                var values = CsvText.Defaults(id, lang);
                values["district_codes"] = districts[i % districts.Length];
                values["crop_codes"] = crops[i % crops.Length];
                values["stage_codes"] = "FLOWERING";
                values["title"] += " #" + i.ToString(CultureInfo.InvariantCulture);
                await writer.WriteLineAsync(string.Join(',', CsvText.Columns.Select(c => CsvText.Quote(values[c]))));
            }
        }
    }

    private static (string, string)[] Sample5Csv(string lang)
    {
        var a = TestData.SampleNodes()[4]!;
        var t = a["translations"]![lang]!;
        return
        [
            ("source_type", "KVK"), ("issuing_office", "KVK Latur"), ("category", "sowing"), ("severity", "advisory"), ("season", "kharif"),
            ("crop_codes", "SOYBEAN"), ("stage_codes", "PRE_SOWING;SOWING"), ("district_codes", string.Empty), ("block_codes", "4432;4436;4437;4440"),
            ("valid_from", "2025-06-10T09:00:00+05:30"), ("valid_to", "2025-07-15T23:59:59+05:30"), ("issued_at", "2025-06-10T09:00:00+05:30"),
            ("primary_lang", "mr-IN"), ("title", (string)t["title"]!), ("body", (string)t["body"]!), ("sms_text", string.Empty),
        ];
    }

    /// <summary>The sample's soybean advisory (record 5) at <paramref name="version"/>, changed, as a one-element JSON array.</summary>
    private static string SoybeanVersion(int version, Action<JsonNode>? change = null)
    {
        var a = TestData.SampleNodes()[4]!.DeepClone();
        a["version"] = version;
        change?.Invoke(a);
        return new JsonArray(a).ToJsonString();
    }

    private static async Task<List<object?[]>> DeviceTranslationsAsync(DeviceStore device, Guid advisoryId)
    {
        var rows = await device.ReadAllAsync(Translation, CancellationToken.None);
        return rows.Where(r => Equals(r[1], advisoryId)).ToList();
    }

    /// <summary>The change-tracking stamp of every advisory and translation row, by key.</summary>
    private async Task<Dictionary<Guid, long>> StampsAsync() =>
        (await AdvisoriesAsync()).Concat(await TranslationsAsync()).ToDictionary(r => (Guid)r.Values[0]!, r => r.Version);

    private async Task<List<(object? Key, long Version)>> VersionsAsync() =>
        (await AdvisoriesAsync()).Concat(await TranslationsAsync()).Select(r => (r.Values[0], r.Version)).OrderBy(r => r.Item1?.ToString(), StringComparer.Ordinal).ToList();

    private static void AssertIssue(AdvisoryImportSummary summary, long record, string field, string code)
    {
        Assert.That(summary.Issues.Select(i => (i.Record, i.Field, i.Code)), Does.Contain((record, field, code)), AdvisoryImportReport.ToText(summary));
    }
}
