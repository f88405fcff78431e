using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using KhetiSahayak.Server.Features.Snapshots;
using KhetiSahayak.Server.Features.Sync;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Server.Tests.Features.Snapshots;

/// <summary>
/// First-install snapshots over real HTTP, on every store (subclasses pick it): a device that installs a snapshot and
/// then syncs ends up exactly where a device with a plain full sync does; the file is cacheable and resumable.
/// </summary>
public abstract class SnapshotsApiTests
{
    private const long Latur = 481;
    private const long Pune = 490;
    private const long FarmerBlock = 4436;
    private const long OtherLaturBlock = 4437;
    private const long PuneBlock = 4511;

    private ServerHost _host = null!;

    protected abstract StoreKind Store { get; }

    private SyncHarness H => _host.Harness;

    [SetUp]
    public async Task StartServerAsync() => _host = await ServerHost.StartAsync(Store);

    [TearDown]
    public async Task StopServerAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task InstallThenSync_ServerChangedSinceSnapshot_DeviceEqualsFullSync(bool farmerMovesDistrict)
    {
        var farmer = await _host.NewFarmerAsync();
        var farmerId = farmer.FarmerId!.Value;
        var other = await _host.NewFarmerAsync();
        var ownPlot = Guid.CreateVersion7();
        await H.ServerUpsertAsync("farm_plot", Plot(ownPlot, farmerId, 2, "विहिरीजवळचे शेत"));
        await H.ServerUpsertAsync("farm_plot", Plot(Guid.CreateVersion7(), other.FarmerId!.Value, 3));
        await H.ServerUpsertAsync("crop", new Dictionary<string, object?> { ["crop_id"] = Guid.CreateVersion7(), ["crop_code"] = "SOYBEAN", ["names"] = """{"mr-IN":"सोयाबीन"}""", ["category"] = "oilseed" });
        await H.ServerUpsertAsync("crop_stage", new Dictionary<string, object?> { ["stage_id"] = Guid.CreateVersion7(), ["crop_code"] = "SOYBEAN", ["stage_code"] = "FLOWERING", ["names"] = """{"mr-IN":"फुलोरा"}""", ["sequence"] = 4L });
        await H.ServerUpsertAsync("diagnosis_result", new Dictionary<string, object?> { ["result_id"] = Guid.CreateVersion7(), ["request_id"] = Guid.CreateVersion7(), ["farmer_id"] = farmerId, ["disease_code"] = "YMV", ["confidence"] = 0.82 });
        var soybean = await AdvisoryAsync([Latur], [], ["SOYBEAN"], "mr-IN", "en-IN");
        var cotton = await AdvisoryAsync([Latur], [], ["COTTON"], "mr-IN");
        var ownBlock = await AdvisoryAsync([], [FarmerBlock], ["ALL"], "mr-IN");
        var otherBlock = await AdvisoryAsync([], [OtherLaturBlock], ["ALL"], "mr-IN");
        var hindi = await AdvisoryAsync([Latur], [], ["SOYBEAN"], "hi-IN");
        var pune = await AdvisoryAsync([Pune], [], ["SOYBEAN"], "mr-IN", "en-IN");
        var withdrawn = await AdvisoryAsync([Latur], [], ["SOYBEAN"], "mr-IN");
        var expired = await AdvisoryAsync([Latur], [], ["ALL"], "mr-IN", "en-IN");
        var deleted = await AdvisoryAsync([Latur], [], ["SOYBEAN"], "mr-IN");
        var retargeted = await AdvisoryAsync([Latur], [], ["SOYBEAN"], "mr-IN");

        // The snapshot is read now; everything below happens after its watermark.
        var snapshot = await DownloadAsync(farmer, Latur, "mr-IN");
        var inSnapshot = await TranslationKeysAsync(snapshot.Path);

        var fresh = await AdvisoryAsync([Latur], [], ["SOYBEAN"], "mr-IN", "en-IN");
        await SetAsync("advisory", soybean.Advisory, ("version", 2L));
        await SetAsync("advisory_translation", soybean.Translations["mr-IN"], ("title", "सुधारित सल्ला: सोयाबीनवरील खोडमाशी"));
        await SetStatusAsync(withdrawn, "withdrawn");
        await SetStatusAsync(expired, "expired");
        await H.ServerWriteAsync(async s =>
        {
            await s.DeleteAsync(H.Catalog["advisory_translation"], deleted.Translations["mr-IN"], DateTimeOffset.UtcNow, CancellationToken.None);
            await s.DeleteAsync(H.Catalog["advisory"], deleted.Advisory, DateTimeOffset.UtcNow, CancellationToken.None);
        });
        await SetAsync("advisory", retargeted.Advisory, ("district_codes", "[492]"));
        await SetAsync("advisory_translation", retargeted.Translations["mr-IN"], ("district_codes", "[492]"));
        await SetAsync("farm_plot", ownPlot, ("irrigation_source", "borewell"));
        await H.ServerUpsertAsync("farm_plot", Plot(Guid.CreateVersion7(), farmerId, 1.25, "नवीन शेत"));
        await H.ServerUpsertAsync("diagnosis_result", new Dictionary<string, object?> { ["result_id"] = Guid.CreateVersion7(), ["request_id"] = Guid.CreateVersion7(), ["farmer_id"] = farmerId, ["disease_code"] = "RUST", ["confidence"] = 0.64 });
        await H.ServerUpsertAsync("crop", new Dictionary<string, object?> { ["crop_id"] = Guid.CreateVersion7(), ["crop_code"] = "COTTON", ["names"] = """{"mr-IN":"कापूस"}""", ["category"] = "fibre" });
        if (farmerMovesDistrict)
        {
            await SetAsync("farmer_profile", farmerId, ("lgd_district_code", Pune), ("lgd_block_code", PuneBlock));
        }

        var installed = await DeviceAsync(farmer);
        var install = await new SnapshotInstaller(installed.Store, Downloader(installed.Principal)).InstallAsync(Latur, "mr-IN", Path.Combine(H.WorkDir, "dl-" + Guid.NewGuid().ToString("N")), CancellationToken.None);
        var afterInstall = await installed.Store.ReadAllAsync("advisory_translation", CancellationToken.None);
        var installedSync = await installed.Synchronizer.SyncAsync(null, CancellationToken.None);
        var full = await DeviceAsync(farmer);
        var fullSync = await full.Synchronizer.SyncAsync(null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(inSnapshot, Is.SupersetOf(new[] { soybean.Translations["mr-IN"], cotton.Translations["mr-IN"], ownBlock.Translations["mr-IN"], otherBlock.Translations["mr-IN"], withdrawn.Translations["mr-IN"], deleted.Translations["mr-IN"] }),
                "the snapshot has the district's advisories for every crop and block, in its language");
            Assert.That(inSnapshot, Has.None.AnyOf(hindi.Translations["hi-IN"], pune.Translations["mr-IN"], soybean.Translations["en-IN"], fresh.Translations["mr-IN"]),
                "nothing of other languages or districts, nothing after its watermark");
            Assert.That(install.Installed, Is.True);
            Assert.That(install.Rows, Is.GreaterThan(inSnapshot.Count), "the snapshot's rows were applied (translations, advisories, crops)");
            Assert.That(afterInstall.Select(r => (Guid)r[0]!), Is.EquivalentTo(inSnapshot));
            Assert.That(installedSync.Replacement, Is.False, "the device continued from the snapshot cursor by deltas");
            Assert.That(fullSync.Replacement, Is.False);
            Assert.That(installedSync.RowsUpserted, Is.LessThan(fullSync.RowsUpserted), "the snapshot spared rows the full sync had to pull");
        });
        foreach (var table in H.Farmer.Tables.Select(t => t.Name))
        {
            var viaSnapshot = await installed.Store.ReadAllAsync(table, CancellationToken.None);
            Assert.That(viaSnapshot, Is.EqualTo(await full.Store.ReadAllAsync(table, CancellationToken.None)), $"{table}: snapshot + deltas = full sync");
            if (H.Farmer.PulledTables.Any(t => t.Name == table))
            {
                Assert.That(viaSnapshot, Is.EqualTo(await H.ServerViewAsync(farmer, H.Farmer, table)), $"{table}: the device holds exactly the farmer's server view");
            }
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await VersionsAsync(installed.Store), Is.EqualTo(await VersionsAsync(full.Store)), "same server versions on every row");
            Assert.That(await installed.Store.ReadAllAsync("advisory_translation", CancellationToken.None), Has.None.Matches<object?[]>(r => (Guid)r[0]! == otherBlock.Translations["mr-IN"]),
                "a snapshot row outside the farmer's view was deleted by the first sync");
            Assert.That(await installed.Store.CountPendingAsync(CancellationToken.None), Is.Zero);
        });
    }

    [Test]
    public async Task InstallThenSync_SnapshotOlderThanTombstoneRetention_FallsBackToReplacementAndEqualsFullSync()
    {
        var farmer = await _host.NewFarmerAsync();
        var kept = await AdvisoryAsync([Latur], [], ["SOYBEAN"], "mr-IN");
        var gone = await AdvisoryAsync([Latur], [], ["SOYBEAN"], "mr-IN");
        await DownloadAsync(farmer, Latur, "mr-IN");

        // A tombstone newer than the snapshot, purged: the snapshot cursor can no longer be continued by deltas.
        await H.ServerWriteAsync(s => s.DeleteAsync(H.Catalog["advisory_translation"], gone.Translations["mr-IN"], DateTimeOffset.UtcNow.AddDays(-200), CancellationToken.None));
        await _host.Store.PurgeAsync(DateTimeOffset.UtcNow.AddDays(-180), CancellationToken.None);
        var device = await DeviceAsync(farmer);
        var install = await new SnapshotInstaller(device.Store, Downloader(device.Principal)).InstallAsync(Latur, "mr-IN", Path.Combine(H.WorkDir, "dl"), CancellationToken.None);
        var report = await device.Synchronizer.SyncAsync(null, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(install.Installed, Is.True);
            Assert.That(report.Replacement, Is.True, "cursor_expired: the device fell back to a replacement sync");
            var translations = await device.Store.ReadAllAsync("advisory_translation", CancellationToken.None);
            Assert.That(translations.Select(r => (Guid)r[0]!), Is.EqualTo(new[] { kept.Translations["mr-IN"] }));
            Assert.That(translations, Is.EqualTo(await H.ServerViewAsync(farmer, H.Farmer, "advisory_translation")));
        });
    }

    [Test]
    public async Task Install_DeviceWithLocalRows_SkipsAndOrdinarySyncConverges()
    {
        var farmer = await _host.NewFarmerAsync();
        await AdvisoryAsync([Latur], [], ["SOYBEAN"], "mr-IN");
        var device = await DeviceAsync(farmer);
        await DeviceInsertPlotAsync(device.Store, Guid.CreateVersion7(), farmer.FarmerId!.Value, 1.5);

        var install = await new SnapshotInstaller(device.Store, Downloader(device.Principal)).InstallAsync(Latur, "mr-IN", Path.Combine(H.WorkDir, "dl"), CancellationToken.None);
        var report = await device.Synchronizer.SyncAsync(null, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(install, Is.EqualTo(new SnapshotInstallResult(false, 0, 0, 0)), "a device with rows takes the ordinary first sync");
            Assert.That(report.Applied, Is.EqualTo(1));
            foreach (var table in new[] { "farm_plot", "advisory_translation" })
            {
                Assert.That(await device.Store.ReadAllAsync(table, CancellationToken.None), Is.EqualTo(await H.ServerViewAsync(farmer, H.Farmer, table)), table);
            }
        });
    }

    [Test]
    public async Task Get_SameContent_SameStrongETagAndIfNoneMatchIs304()
    {
        var farmer = await _host.NewFarmerAsync();
        await AdvisoryAsync([Latur], [], ["SOYBEAN"], "mr-IN");

        using var first = await GetAsync(farmer, r => r.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br")));
        var bytes = await first.Content.ReadAsByteArrayAsync();
        using var second = await GetAsync(farmer);
        var again = await second.Content.ReadAsByteArrayAsync();
        using var revalidated = await GetAsync(farmer, r => r.Headers.IfNoneMatch.Add(first.Headers.ETag!));

        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(first.Content.Headers.ContentType?.MediaType, Is.EqualTo(SnapshotsApi.MediaType));
            Assert.That(first.Content.Headers.ContentEncoding, Is.Empty, "the body is compressed as stored, not by Content-Encoding, so ranges address it");
            Assert.That(first.Headers.AcceptRanges, Does.Contain("bytes"));
            Assert.That(first.Headers.ETag!.IsWeak, Is.False);
            Assert.That(first.Headers.ETag.Tag, Is.EqualTo("\"" + Convert.ToHexStringLower(SHA256.HashData(bytes)) + "\""), "the ETag is the SHA-256 of the bytes");
            Assert.That(first.Headers.CacheControl?.Public, Is.True);
            Assert.That(second.Headers.ETag, Is.EqualTo(first.Headers.ETag));
            Assert.That(again, Is.EqualTo(bytes), "served from the node's cache, byte for byte");
            Assert.That(revalidated.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(await revalidated.Content.ReadAsByteArrayAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task Get_OlderThanMaxAge_RebuildsWithNewETagAndNewRows()
    {
        await using var host = await ServerHost.StartAsync(Store, new Dictionary<string, string?> { ["Snapshots:MaxAge"] = "00:00:01" });
        var farmer = await host.NewFarmerAsync();
        await host.Harness.ServerUpsertAsync("advisory_translation", Translation(Guid.CreateVersion7(), "mr-IN", [Latur], ["SOYBEAN"]));
        var path = SnapshotDownloader.RelativeUri("farmer", 1, Latur, "mr-IN");
        using var first = await SendAsync(host, path, host.Token(farmer));
        var later = Guid.CreateVersion7();
        await host.Harness.ServerUpsertAsync("advisory_translation", Translation(later, "mr-IN", [Latur], ["SOYBEAN"]));

        // Waiting out the age is the point here, not a timing assertion.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        using var second = await SendAsync(host, path, host.Token(farmer));
        var file = Path.Combine(host.Harness.WorkDir, "rebuilt.snap");
        await File.WriteAllBytesAsync(file, await second.Content.ReadAsByteArrayAsync());

        Assert.Multiple(async () =>
        {
            Assert.That(second.Headers.ETag, Is.Not.EqualTo(first.Headers.ETag));
            Assert.That(await TranslationKeysAsync(file, host), Does.Contain(later));
        });
    }

    [Test]
    public async Task Get_NodeAtItsSyncLimit_BuildIs429ButBuiltFileIsServed()
    {
        await using var host = await ServerHost.StartAsync(Store, new Dictionary<string, string?> { ["Sync:MaxConcurrentSyncs"] = "1" });
        var farmer = await host.NewFarmerAsync();
        var path = SnapshotDownloader.RelativeUri("farmer", 1, Latur, "mr-IN");
        var admission = host.Services.GetRequiredService<SyncAdmission>();

        HttpResponseMessage refused;
        using (var busy = admission.TryEnter())
        {
            Assert.That(busy.IsAcquired, Is.True);
            refused = await SendAsync(host, path, host.Token(farmer));
        }

        using var built = await SendAsync(host, path, host.Token(farmer));
        HttpResponseMessage cached;
        using (admission.TryEnter())
        {
            cached = await SendAsync(host, path, host.Token(farmer));
        }

        using (refused)
        using (cached)
        {
            var problem = await Problem.ReadAsync(refused);
            Assert.Multiple(() =>
            {
                Assert.That((problem.Status, problem.Code), Is.EqualTo((HttpStatusCode.TooManyRequests, "overloaded")));
                Assert.That(refused.Headers.RetryAfter, Is.Not.Null);
                Assert.That(built.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(cached.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a built snapshot is served without a database slot");
                Assert.That(cached.Headers.ETag, Is.EqualTo(built.Headers.ETag));
            });
        }
    }

    [Test]
    public async Task Get_FileLeftByEarlierRun_IsNotServed()
    {
        // A file in the cache folder from before the node started may come from another database: never serve it.
        var folder = Path.Combine(H.WorkDir, "cache-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var leftover = Path.Combine(folder, $"farmer.v1.{Latur}.mr-IN.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{new string('a', 64)}.snap");
        await File.WriteAllBytesAsync(leftover, [1, 2, 3]);
        await using var host = await ServerHost.StartAsync(Store, new Dictionary<string, string?> { ["Snapshots:Directory"] = folder });
        var farmer = await host.NewFarmerAsync();

        using var response = await SendAsync(host, SnapshotDownloader.RelativeUri("farmer", 1, Latur, "mr-IN"), host.Token(farmer));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.ETag!.Tag, Is.Not.EqualTo("\"" + new string('a', 64) + "\""));
            Assert.That(File.Exists(leftover), Is.False);
            Assert.That(Directory.GetFiles(folder), Has.Length.EqualTo(1), "only the snapshot this node built");
        });
    }

    [Test]
    public async Task Get_RangeAfterCutDownload_ResumesWithIdenticalBytes()
    {
        var farmer = await _host.NewFarmerAsync();
        await ManyAdvisoriesAsync(150);
        using var whole = await GetAsync(farmer);
        var full = await whole.Content.ReadAsByteArrayAsync();
        var cutAt = full.Length / 2;

        // A download cut partway: the device kept what it had read.
        var kept = new byte[cutAt];
        using (var cut = await GetAsync(farmer, completion: HttpCompletionOption.ResponseHeadersRead))
        await using (var stream = await cut.Content.ReadAsStreamAsync())
        {
            await stream.ReadExactlyAsync(kept);
        }

        using var rest = await GetAsync(farmer, r =>
        {
            r.Headers.Range = new RangeHeaderValue(cutAt, null);
            r.Headers.IfRange = new RangeConditionHeaderValue(whole.Headers.ETag!);
        });
        var tail = await rest.Content.ReadAsByteArrayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(full, Has.Length.GreaterThan(4_096), "big enough to be cut");
            Assert.That(rest.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(rest.Content.Headers.ContentRange?.From, Is.EqualTo(cutAt));
            Assert.That(rest.Content.Headers.ContentRange?.Length, Is.EqualTo(full.Length));
            Assert.That(rest.Headers.ETag, Is.EqualTo(whole.Headers.ETag));
            Assert.That(kept.Concat(tail).ToArray(), Is.EqualTo(full));
        });
    }

    [Test]
    public async Task Download_ConnectionCutMidway_SdkResumesWithRangeAndGetsIdenticalFile()
    {
        var farmer = await _host.NewFarmerAsync();
        await ManyAdvisoriesAsync(150);
        using var whole = await GetAsync(farmer);
        var full = await whole.Content.ReadAsByteArrayAsync();
        var cutter = new CuttingHandler(full.Length / 3);
        using var downloader = Downloader(farmer, cutter);
        var path = Path.Combine(H.WorkDir, "snapshot.bin");

        var download = await downloader.DownloadAsync("farmer", 1, Latur, "mr-IN", path, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await File.ReadAllBytesAsync(path), Is.EqualTo(full));
            Assert.That(download.Requests, Is.EqualTo(2));
            Assert.That(cutter.Seen, Is.EqualTo(new[] { (HttpStatusCode.OK, (long?)null), (HttpStatusCode.PartialContent, (long?)(full.Length / 3)) }),
                "the retry asked only for the bytes after the cut");
            Assert.That(download.BytesTransferred, Is.EqualTo(full.Length), "no byte was downloaded twice");
            Assert.That(File.Exists(path + ".partial"), Is.False);
            Assert.That(File.Exists(path + ".etag"), Is.False);
        });
    }

    [Test]
    public async Task Get_IfRangeNotCurrentETag_Returns200WithWholeSnapshot()
    {
        var farmer = await _host.NewFarmerAsync();
        await ManyAdvisoriesAsync(20);
        using var whole = await GetAsync(farmer);
        var full = await whole.Content.ReadAsByteArrayAsync();

        using var response = await GetAsync(farmer, r =>
        {
            r.Headers.Range = new RangeHeaderValue(100, null);
            r.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"" + new string('0', 64) + "\""));
        });

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "another node's or an older snapshot: the device gets the whole current one");
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(full));
            Assert.That(response.Headers.ETag, Is.EqualTo(whole.Headers.ETag));
        });
    }

    [Test]
    public async Task Get_RangeBeyondEnd_Returns416()
    {
        var farmer = await _host.NewFarmerAsync();
        using var whole = await GetAsync(farmer);
        var length = (await whole.Content.ReadAsByteArrayAsync()).Length;

        using var response = await GetAsync(farmer, r => r.Headers.Range = new RangeHeaderValue(length + 100, null));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestedRangeNotSatisfiable));
            Assert.That(response.Content.Headers.ContentRange?.Length, Is.EqualTo(length));
        });
    }

    [TestCase("farmer", "999999", "mr-IN", "scopeVersion=1", HttpStatusCode.NotFound, SnapshotCodes.UnknownDistrict)]
    [TestCase("farmer", "latur", "mr-IN", "scopeVersion=1", HttpStatusCode.NotFound, SnapshotCodes.UnknownDistrict)]
    [TestCase("farmer", "481", "xx-XX", "scopeVersion=1", HttpStatusCode.NotFound, SnapshotCodes.UnknownLanguage)]
    [TestCase("no-such-scope", "481", "mr-IN", "scopeVersion=1", HttpStatusCode.NotFound, SyncErrorCodes.UnknownScope)]
    [TestCase("farmer", "481", "mr-IN", "scopeVersion=7", HttpStatusCode.NotFound, SyncErrorCodes.UnknownScope)]
    [TestCase("farmer", "481", "mr-IN", "scopeVersion=x", HttpStatusCode.BadRequest, "invalid_request")]
    [TestCase("farmer", "481", "mr-IN", "", HttpStatusCode.BadRequest, "invalid_request")]
    [TestCase("extension-officer", "481", "mr-IN", "scopeVersion=1", HttpStatusCode.Forbidden, SyncErrorCodes.ScopeForbidden)]
    public async Task Get_BadRequest_ProblemWithStableCodeAndNoFileBuilt(string scope, string district, string language, string query, HttpStatusCode status, string code)
    {
        var farmer = await _host.NewFarmerAsync();

        using var response = await SendAsync(_host, $"sync/v1/{scope}/snapshots/{district}/{language}?{query}", _host.Token(farmer));

        var problem = await Problem.ReadAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That((problem.Status, problem.ContentType, problem.Code), Is.EqualTo((status, "application/problem+json", code)));
            Assert.That(Directory.Exists(SnapshotDirectory) ? Directory.GetFiles(SnapshotDirectory) : [], Is.Empty);
        });
    }

    [Test]
    public async Task Get_Anonymous_Returns401()
    {
        using var response = await SendAsync(_host, SnapshotDownloader.RelativeUri("farmer", 1, Latur, "mr-IN"), token: null);

        var problem = await Problem.ReadAsync(response);
        Assert.That((problem.Status, problem.Code), Is.EqualTo((HttpStatusCode.Unauthorized, "token_missing")));
    }

    [Test]
    public async Task Pull_SnapshotCursor_BindsToEachDeviceButTamperedIsCursorInvalid()
    {
        var farmer = await _host.NewFarmerAsync();
        await AdvisoryAsync([Latur], [], ["SOYBEAN"], "mr-IN");
        var snapshot = await DownloadAsync(farmer, Latur, "mr-IN");
        var cursor = await SnapshotCursorAsync(snapshot.Path);
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        var tampered = cursor[..(dot / 2)] + (cursor[dot / 2] == 'A' ? 'B' : 'A') + cursor[((dot / 2) + 1)..];

        var first = await _host.PullJsonAsync(farmer, cursor);
        var second = await _host.PullJsonAsync(farmer with { DeviceId = Guid.CreateVersion7() }, cursor);
        using var refused = await _host.PostAsync("sync/v1/farmer/pull", $$"""{"protocol":1,"scopeVersion":1,"cursor":"{{tampered}}"}""", _host.Token(farmer));
        using var otherDevice = await _host.PostAsync("sync/v1/farmer/pull", $$"""{"protocol":1,"scopeVersion":1,"cursor":"{{first.GetProperty("cursor").GetString()}}"}""", _host.Token(farmer with { DeviceId = Guid.CreateVersion7() }));

        Assert.Multiple(async () =>
        {
            Assert.That(first.GetProperty("hasMore").GetBoolean(), Is.False);
            Assert.That(second.GetProperty("cursor").GetString(), Is.Not.EqualTo(first.GetProperty("cursor").GetString()), "each device gets its own cursor from the shared snapshot cursor");
            var problem = await Problem.ReadAsync(refused);
            Assert.That((problem.Status, problem.Code), Is.EqualTo((HttpStatusCode.BadRequest, SyncErrorCodes.CursorInvalid)));
            var mismatch = await Problem.ReadAsync(otherDevice);
            Assert.That((mismatch.Status, mismatch.Code), Is.EqualTo((HttpStatusCode.Conflict, SyncErrorCodes.CursorMismatch)), "once bound, the cursor is that device's");
        });
    }

    private string SnapshotDirectory => _host.Services.GetRequiredService<SnapshotCache>().Directory;

    private sealed record Device(DeviceStore Store, SyncPrincipal Principal, DeviceSynchronizer Synchronizer);

    private async Task<Device> DeviceAsync(SyncPrincipal farmer)
    {
        var principal = farmer with { DeviceId = Guid.CreateVersion7() };
        var store = await H.NewDeviceAsync();
        return new Device(store, principal, new DeviceSynchronizer(store, _host.Transport(principal, store)));
    }

    private SnapshotDownloader Downloader(SyncPrincipal principal, HttpMessageHandler? handler = null)
    {
        var token = _host.Token(principal);
        return new SnapshotDownloader(
            new HttpSyncTransportOptions
            {
                BaseAddress = _host.BaseAddress,
                AccessToken = _ => ValueTask.FromResult(token),
                BaseDelay = TimeSpan.FromMilliseconds(20),
                MaxDelay = TimeSpan.FromMilliseconds(200),
            },
            handler);
    }

    private async Task<SnapshotDownload> DownloadAsync(SyncPrincipal principal, long district, string language)
    {
        using var downloader = Downloader(principal);
        return await downloader.DownloadAsync("farmer", 1, district, language, Path.Combine(H.WorkDir, Guid.NewGuid().ToString("N") + ".snapshot"), CancellationToken.None);
    }

    private Task<HttpResponseMessage> GetAsync(SyncPrincipal principal, Action<HttpRequestMessage>? adjust = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
        SendAsync(_host, SnapshotDownloader.RelativeUri("farmer", 1, Latur, "mr-IN"), _host.Token(principal), adjust, completion);

    private static async Task<HttpResponseMessage> SendAsync(ServerHost host, string path, string? token, Action<HttpRequestMessage>? adjust = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        adjust?.Invoke(request);
        return await host.RawClient().SendAsync(request, completion);
    }

    private Task<HashSet<Guid>> TranslationKeysAsync(string path) => TranslationKeysAsync(path, _host);

    private static async Task<HashSet<Guid>> TranslationKeysAsync(string path, ServerHost host)
    {
        var keys = new HashSet<Guid>();
        await foreach (var page in SnapshotReader.ReadPagesAsync(path, host.Harness.Farmer, CancellationToken.None))
        {
            foreach (var changes in page.Changes.Where(c => c.Table == "advisory_translation"))
            {
                keys.UnionWith(changes.Upserts.Select(u => (Guid)u.Values[0]!));
            }

            Assert.That(page.Changes.Where(c => c.Table is "farm_plot" or "farmer_profile" or "crop_cycle").SelectMany(c => c.Upserts), Is.Empty, "no farmer's own rows in a snapshot");
        }

        return keys;
    }

    private async Task<string> SnapshotCursorAsync(string path)
    {
        string? cursor = null;
        await foreach (var page in SnapshotReader.ReadPagesAsync(path, H.Farmer, CancellationToken.None))
        {
            cursor = page.HasMore ? null : page.Cursor;
        }

        return cursor ?? throw new AssertionException("the snapshot has no final cursor");
    }

    private async Task<Dictionary<string, List<long?>>> VersionsAsync(DeviceStore device)
    {
        var versions = new Dictionary<string, List<long?>>(StringComparer.Ordinal);
        foreach (var st in H.Farmer.PulledTables)
        {
            var list = new List<long?>();
            await using var cmd = device.Connection.CreateCommand();
            cmd.CommandText = $"SELECT _ks_version FROM \"{st.Name}\" ORDER BY \"{st.Table.Key}\"";
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                list.Add(r.IsDBNull(0) ? null : r.GetInt64(0));
            }

            versions[st.Name] = list;
        }

        return versions;
    }

    private sealed record SeededAdvisory(Guid Advisory, Dictionary<string, Guid> Translations);

    /// <summary>A published advisory and one translation per language, with the filter columns copied as the importer does.</summary>
    private async Task<SeededAdvisory> AdvisoryAsync(long[] districts, long[] blocks, string[] crops, params string[] languages)
    {
        var advisoryId = Guid.CreateVersion7();
        static string Json(IEnumerable<long> codes) => "[" + string.Join(",", codes.Select(c => c.ToString(CultureInfo.InvariantCulture))) + "]";
        await H.ServerUpsertAsync("advisory", new Dictionary<string, object?>
        {
            ["advisory_id"] = advisoryId,
            ["version"] = 1L,
            ["source_type"] = "KVK",
            ["category"] = "pest",
            ["severity"] = "advisory",
            ["crop_codes"] = "[" + string.Join(",", crops.Select(c => "\"" + c + "\"")) + "]",
            ["stage_codes"] = "[]",
            ["district_codes"] = Json(districts),
            ["block_codes"] = Json(blocks),
            ["issued_at"] = new DateTimeOffset(2026, 6, 1, 4, 0, 0, TimeSpan.Zero),
            ["valid_from"] = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero),
            ["valid_to"] = new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero),
            ["status"] = "published",
            ["primary_lang"] = languages[0],
        });
        var translations = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var lang in languages)
        {
            var id = Guid.CreateVersion7();
            var row = Translation(id, lang, districts, crops, blocks: blocks);
            row["advisory_id"] = advisoryId;
            row["body"] = "पिकाची पाहणी करा; सापळे लावा. " + id.ToString("N");
            await H.ServerUpsertAsync("advisory_translation", row);
            translations[lang] = id;
        }

        return new SeededAdvisory(advisoryId, translations);
    }

    private async Task ManyAdvisoriesAsync(int count)
    {
        var table = H.Catalog["advisory_translation"];
        await H.ServerWriteAsync(async s =>
        {
            for (var i = 0; i < count; i++)
            {
                var id = Guid.CreateVersion7();
                var row = Translation(id, "mr-IN", [Latur], ["SOYBEAN"]);
                row["body"] = string.Join(' ', Enumerable.Range(0, 8).Select(_ => Guid.NewGuid().ToString("N")));
                await s.UpsertAsync(table, H.Row("advisory_translation", row), CancellationToken.None);
            }
        });
    }

    private async Task SetStatusAsync(SeededAdvisory advisory, string status)
    {
        await SetAsync("advisory", advisory.Advisory, ("status", status));
        foreach (var id in advisory.Translations.Values)
        {
            await SetAsync("advisory_translation", id, ("status", status));
        }
    }

    /// <summary>Changes columns of a server row as an officer or the importer would (one update, recorded as a move when a filter column changes).</summary>
    private async Task SetAsync(string tableName, Guid key, params (string Column, object? Value)[] changes)
    {
        var table = H.Catalog[tableName];
        var row = (await _host.Store.ReadRowsAsync(table, table.Key, key, CancellationToken.None)).Single().Values;
        foreach (var (column, value) in changes)
        {
            row[table.Ordinal(column)] = value;
        }

        await H.ServerWriteAsync(s => s.UpdateAsync(table, key, changes.Select(c => table.Ordinal(c.Column)).ToArray(), row, CancellationToken.None));
    }

    /// <summary>Cuts the first answer's body after a number of bytes, as a dropped GPRS link does, and records each answer's status and range start.</summary>
    private sealed class CuttingHandler(long cutAfter) : DelegatingHandler(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
    {
        public List<(HttpStatusCode Status, long? RangeFrom)> Seen { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Seen.Add((response.StatusCode, response.Content.Headers.ContentRange?.From));
            if (Seen.Count == 1)
            {
                var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var cut = new StreamContent(new CutStream(body, cutAfter));
                foreach (var header in response.Content.Headers)
                {
                    cut.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                response.Content = cut;
            }

            return response;
        }
    }

    private sealed class CutStream(Stream inner, long cutAfter) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= cutAfter)
            {
                throw new IOException("connection reset (test cut)");
            }

            var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, cutAfter - _read)], cancellationToken);
            _read += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
