using KhetiSahayak.Advisories.Reference;
using KhetiSahayak.Sync.Stores;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Reference;

/// <summary>The LGD loader on the real shared dumps, against a real store and the sync engine; subclassed per store.</summary>
public abstract class LgdLoaderTests : AdvisoryStoreTestBase
{
    private const long Latur = 481;
    private const long LaturBlock = 4436;

    /// <summary>Line of block 4436 (LATUR) in blocks.csv, header being line 1.</summary>
    private const int LaturBlockLine = 3662;

    private string? _copy;

    [TearDown]
    public void DeleteCopy()
    {
        if (_copy is not null && Directory.Exists(_copy))
        {
            Directory.Delete(_copy, recursive: true);
        }
    }

    [Test]
    public async Task LoadAsync_SharedFiles_StoresEveryRowOfEveryFile()
    {
        var results = await LoadAsync(TestData.LgdFolder);

        Assert.Multiple(async () =>
        {
            Assert.That(results.Select(r => (r.Table, r.Rows, r.Inserted)), Is.EqualTo(new[]
            {
                ("lgd_state", DataLines("states.csv"), DataLines("states.csv")),
                ("lgd_district", DataLines("districts.csv"), DataLines("districts.csv")),
                ("lgd_block", DataLines("blocks.csv"), DataLines("blocks.csv")),
            }));
            Assert.That(await RowsAsync("lgd_state"), Has.Count.EqualTo(36));
            Assert.That(await RowsAsync("lgd_district"), Has.Count.EqualTo(763));
            Assert.That(await RowsAsync("lgd_block"), Has.Count.EqualTo(7233), "7,233 rows (the folder's README says 7,232)");
        });

        var latur = await BlockAsync(LaturBlock, Latur);
        var arwal = await BlockAsync(6505, 611);
        var maharashtra = (await RowsAsync("lgd_state")).Single(r => (long)Value("lgd_state", r, "lgd_state_code")! == 27);
        Assert.Multiple(() =>
        {
            Assert.That(Value("lgd_block", latur, "name"), Is.EqualTo("LATUR"));
            Assert.That(Value("lgd_block", latur, "name_local"), Is.Null, "the second Block Name column is empty here");
            Assert.That(Value("lgd_block", latur, "lgd_state_code"), Is.EqualTo(27L));
            Assert.That(Value("lgd_block", latur, "lgd_version"), Is.EqualTo(1L));
            Assert.That(Value("lgd_block", arwal, "name_local"), Is.EqualTo("अरवल"));
            Assert.That(Value("lgd_state", maharashtra, "name"), Is.EqualTo("MAHARASHTRA"));
            Assert.That(Value("lgd_state", maharashtra, "state_or_ut"), Is.EqualTo("S"));
            Assert.That(Value("lgd_state", maharashtra, "state_id"), Is.EqualTo(ReferenceIds.State(27)));
        });
    }

    [Test]
    public async Task LoadAsync_BlockListedUnderTwoDistricts_IsOneRowPerDistrict()
    {
        await LoadAsync(TestData.LgdFolder);

        var gobardhana = (await RowsAsync("lgd_block")).Where(r => (long)Value("lgd_block", r, "lgd_block_code")! == 2494).ToList();

        Assert.That(gobardhana.Select(r => Value("lgd_block", r, "lgd_district_code")), Is.EquivalentTo(new object[] { 739L, 616L }));
    }

    [Test]
    public async Task LoadAsync_SameFilesAgain_WritesNothingAndDevicePullsNothing()
    {
        await LoadAsync(TestData.LgdFolder);
        var (device, farmer) = await FarmerDeviceAsync();
        var first = await H.SyncAsync(device, farmer);
        var watermark = await H.Store.GetWatermarkAsync(CancellationToken.None);

        var again = await LoadAsync(TestData.LgdFolder);
        var second = await H.SyncAsync(device, farmer);

        Assert.Multiple(async () =>
        {
            Assert.That(first.RowsUpserted, Is.EqualTo(36 + 763 + 10 + 1), "states, districts, Latur's 10 blocks and the profile");
            Assert.That(await device.ReadAllAsync("lgd_block", CancellationToken.None), Has.Count.EqualTo(10));
            Assert.That(again.Select(r => r.Changed), Is.All.Zero);
            Assert.That(again.Select(r => r.Unchanged), Is.EqualTo(new long[] { 36, 763, 7233 }));
            Assert.That(second.RowsUpserted + second.RowsDeleted, Is.Zero);
        });
        if (WatermarkMovesOnlyWithWrites)
        {
            Assert.That(await H.Store.GetWatermarkAsync(CancellationToken.None), Is.EqualTo(watermark), "no transaction wrote anything");
        }
    }

    [Test]
    public async Task LoadAsync_RenamedBlock_RewritesThatRowOnlyAndDeviceReceivesIt()
    {
        await LoadAsync(TestData.LgdFolder);
        var (device, farmer) = await FarmerDeviceAsync();
        await H.SyncAsync(device, farmer);
        var folder = CopyFiles();
        EditLine(folder, "blocks.csv", LaturBlockLine, line => line.Replace(",4436,1,LATUR,", ",4436,1,LATUR (RENAMED),", StringComparison.Ordinal));

        var results = await LoadAsync(folder);
        var report = await H.SyncAsync(device, farmer);

        var onDevice = (await device.ReadAllAsync("lgd_block", CancellationToken.None)).Single(r => Equals(r[0], ReferenceIds.Block(LaturBlock, Latur)));
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => (r.Table, r.Updated, r.Changed)), Is.EqualTo(new[] { ("lgd_state", 0L, 0L), ("lgd_district", 0L, 0L), ("lgd_block", 1L, 1L) }));
            Assert.That(report.RowsUpserted, Is.EqualTo(1));
            Assert.That(onDevice[H.Catalog["lgd_block"].Ordinal("name")], Is.EqualTo("LATUR (RENAMED)"));
        });
    }

    [Test]
    public async Task LoadAsync_BlockGoneFromFile_TombstonesItAndDeviceDeletesIt()
    {
        await LoadAsync(TestData.LgdFolder);
        var (device, farmer) = await FarmerDeviceAsync();
        await H.SyncAsync(device, farmer);
        var folder = CopyFiles();
        EditLine(folder, "blocks.csv", LaturBlockLine, _ => null);

        var results = await LoadAsync(folder);
        var report = await H.SyncAsync(device, farmer);

        Assert.Multiple(async () =>
        {
            Assert.That(results[2].Deleted, Is.EqualTo(1));
            Assert.That(report.RowsDeleted, Is.EqualTo(1));
            Assert.That((await device.ReadAllAsync("lgd_block", CancellationToken.None)).Select(r => r[0]), Does.Not.Contain(ReferenceIds.Block(LaturBlock, Latur)));
        });
    }

    [Test]
    public async Task LoadAsync_MalformedBlocksFile_NamesFileLineAndFieldAndWritesNothing()
    {
        var folder = CopyFiles();
        EditLine(folder, "blocks.csv", LaturBlockLine, line => line.Replace(",4436,", ",44x6,", StringComparison.Ordinal));

        var ex = Assert.ThrowsAsync<LgdFileException>(() => LoadAsync(folder));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Errors, Has.Count.EqualTo(1));
            Assert.That(ex.Errors[0].File, Is.EqualTo("blocks.csv"));
            Assert.That(ex.Errors[0].Line, Is.EqualTo(LaturBlockLine));
            Assert.That(ex.Errors[0].Field, Is.EqualTo("Block Code"));
            Assert.That(ex.Message, Does.Contain("blocks.csv: line 3662: Block Code: '44x6' is not a positive integer code"));
            Assert.That(await RowsAsync("lgd_state"), Is.Empty, "states.csv was valid, but nothing is written unless every file is");
            Assert.That(await RowsAsync("lgd_block"), Is.Empty);
        });
    }

    [Test]
    public async Task LoadAsync_MalformedFileAfterALoad_LeavesEveryStoredRowAsItWas()
    {
        await LoadAsync(TestData.LgdFolder);
        var before = await VersionsAsync();
        var folder = CopyFiles();
        EditLine(folder, "districts.csv", 2, line => line.Replace("NICOBARS", string.Empty, StringComparison.Ordinal));
        EditLine(folder, "blocks.csv", LaturBlockLine, line => line.Replace(",LATUR,", ",LATUR RENAMED,", StringComparison.Ordinal));

        var ex = Assert.ThrowsAsync<LgdFileException>(() => LoadAsync(folder));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Errors.Select(e => e.ToString()), Is.EqualTo(new[] { "districts.csv: line 2: District Name: is empty; a name is required" }));
            Assert.That(await VersionsAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task CropReferenceLoader_ShippedCatalog_LoadsEveryCropAndStageOnce()
    {
        var loader = new CropReferenceLoader(H.Store, H.Catalog, Clock);

        var first = await loader.LoadAsync(TestData.Crops, null, CancellationToken.None);
        var second = await loader.LoadAsync(TestData.Crops, null, CancellationToken.None);

        var soybean = (await RowsAsync("crop")).Single(r => Equals(Value("crop", r, "crop_code"), "SOYBEAN"));
        Assert.Multiple(async () =>
        {
            Assert.That(first.Select(r => r.Inserted), Is.EqualTo(new long[] { TestData.Crops.Crops.Count, TestData.Crops.Crops.Sum(c => c.Stages.Count) }));
            Assert.That(second.Select(r => r.Changed), Is.All.Zero);
            Assert.That(await RowsAsync("crop"), Has.Count.EqualTo(TestData.Crops.Crops.Count));
            Assert.That(Value("crop", soybean, "crop_id"), Is.EqualTo(ReferenceIds.Crop("SOYBEAN")));
            Assert.That(Value("crop", soybean, "names"), Does.Contain("सोयाबीन"));
        });
    }

    private async Task<IReadOnlyList<ReferenceTableResult>> LoadAsync(string folder) =>
        await new LgdLoader(H.Store, H.Catalog, Clock).LoadAsync(folder, null, CancellationToken.None);

    private async Task<(KhetiSahayak.Sync.Sqlite.Device.DeviceStore Device, KhetiSahayak.Sync.Engine.SyncPrincipal Farmer)> FarmerDeviceAsync()
    {
        var farmerId = await H.SeedFarmerAsync(Latur, LaturBlock, "mr-IN", null);
        return (await H.NewDeviceAsync(), KhetiSahayak.Testing.SyncHarness.FarmerPrincipal(farmerId, Guid.CreateVersion7()));
    }

    private Task<IReadOnlyList<StoredRow>> RowsAsync(string table) => H.Store.ReadRowsAsync(H.Catalog[table], null, null, CancellationToken.None);

    private async Task<StoredRow> BlockAsync(long block, long district) =>
        (await RowsAsync("lgd_block")).Single(r => Equals(r.Values[0], ReferenceIds.Block(block, district)));

    private async Task<List<(Guid, long)>> VersionsAsync()
    {
        var versions = new List<(Guid, long)>();
        foreach (var table in new[] { "lgd_state", "lgd_district", "lgd_block" })
        {
            versions.AddRange((await RowsAsync(table)).Select(r => ((Guid)r.Values[0]!, r.Version)));
        }

        return versions.Order().ToList();
    }

    /// <summary>Rows of a dump counted as text lines after the header (the dumps have no multi-line fields), independent of the CSV reader.</summary>
    private static long DataLines(string file) => File.ReadLines(Path.Combine(TestData.LgdFolder, file)).Skip(1).Count(l => l.Length > 0);

    private string CopyFiles()
    {
        _copy = Path.Combine(Path.GetTempPath(), "ks-lgd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_copy);
        foreach (var file in new[] { "states.csv", "districts.csv", "blocks.csv" })
        {
            File.Copy(Path.Combine(TestData.LgdFolder, file), Path.Combine(_copy, file));
        }

        return _copy;
    }

    /// <summary>Rewrites one 1-based line of a copied file (null removes it), asserting the edit changed something.</summary>
    private static void EditLine(string folder, string file, int line, Func<string, string?> edit)
    {
        var path = Path.Combine(folder, file);
        var lines = File.ReadAllLines(path).ToList();
        var edited = edit(lines[line - 1]);
        Assert.That(edited, Is.Not.EqualTo(lines[line - 1]), $"the edit of {file} line {line} changed nothing");
        if (edited is null)
        {
            lines.RemoveAt(line - 1);
        }
        else
        {
            lines[line - 1] = edited;
        }

        File.WriteAllLines(path, lines);
    }
}
