using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using KhetiSahayak.Server.Features.Dev;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Dev;

[TestFixture]
public sealed class DevApiTests
{
    [Test]
    public async Task DevToken_InDevelopment_IssuesTokenThatSyncsTheDemoFarmer()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, environment: "Development");
        using var response = await host.RawClient().PostAsJsonAsync("dev/token", new { role = "farmer" });
        var token = await response.Content.ReadFromJsonAsync<DevTokenResponse>();
        var device = await host.Harness.NewDeviceAsync();
        using var transport = new HttpSyncTransport(
            new HttpSyncTransportOptions { BaseAddress = host.BaseAddress, AccessToken = _ => ValueTask.FromResult(token!.AccessToken), CurrentCursor = device.GetCursorAsync },
            host.Harness.Scopes.Scopes);

        var report = await new DeviceSynchronizer(device, transport).SyncAsync(null, CancellationToken.None);

        var principal = new SyncPrincipal(token!.UserId, token.Role, token.DeviceId, token.FarmerId);
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(token.FarmerId, Is.EqualTo(DemoIds.Farmer));
            Assert.That(report.RowsUpserted, Is.GreaterThan(10));
            Assert.That((await device.ReadAllAsync("farm_plot", CancellationToken.None)).Select(r => r[0]), Is.EqualTo(new object[] { Guid.Parse("0190b000-0000-7000-8000-0000000a0001") }));
            Assert.That(await device.ReadAllAsync("field_activity", CancellationToken.None), Has.Count.EqualTo(3));
            Assert.That((await device.ReadAllAsync("advisory_translation", CancellationToken.None)).Select(r => r[2]), Is.EqualTo(new object[] { "mr-IN" }), "the Latur soybean advisory, in Marathi only");
            Assert.That(await device.ReadAllAsync("crop", CancellationToken.None), Has.Count.EqualTo(18), "every crop of crops.json");
            Assert.That(await device.ReadAllAsync("advisory_translation", CancellationToken.None), Is.EqualTo(await host.Harness.ServerViewAsync(principal, host.Harness.Farmer, "advisory_translation")));
        });
    }

    [TestCase(StoreKind.Sqlite)]
    [TestCase(StoreKind.Postgres)]
    public async Task DemoData_FarmerFirstSyncOverHttp_DeliversGeographyAndCurrentAdvisories(StoreKind store)
    {
        await using var host = await ServerHost.StartAsync(store, environment: "Development");
        using var response = await host.RawClient().PostAsJsonAsync("dev/token", new { role = "farmer" });
        var token = await response.Content.ReadFromJsonAsync<DevTokenResponse>();
        var device = await host.Harness.NewDeviceAsync();
        using var transport = new HttpSyncTransport(
            new HttpSyncTransportOptions { BaseAddress = host.BaseAddress, AccessToken = _ => ValueTask.FromResult(token!.AccessToken), CurrentCursor = device.GetCursorAsync },
            host.Harness.Scopes.Scopes);

        await new DeviceSynchronizer(device, transport).SyncAsync(null, CancellationToken.None);

        var blocks = host.Harness.Catalog["lgd_block"];
        var advisory = host.Harness.Catalog["advisory"];
        var deviceBlocks = await device.ReadAllAsync("lgd_block", CancellationToken.None);
        var deviceAdvisories = await device.ReadAllAsync("advisory", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(await device.ReadAllAsync("lgd_state", CancellationToken.None), Has.Count.EqualTo(36));
            Assert.That(await device.ReadAllAsync("lgd_district", CancellationToken.None), Has.Count.EqualTo(763));
            Assert.That(deviceBlocks.Select(r => r[blocks.Ordinal("lgd_district_code")]).Distinct(), Is.EqualTo(new object[] { 481L }), "blocks of the farmer's district only");
            Assert.That(deviceBlocks.Select(r => r[blocks.Ordinal("name")]).ToList(), Has.Count.EqualTo(10).And.Contain("LATUR").And.Contain("UDGIR"));
            Assert.That(deviceAdvisories.Select(r => r[0]), Is.EqualTo(new object[] { Guid.Parse("0190a1b2-0000-7000-8000-000000000005") }), "the Latur soybean advisory");
            Assert.That((DateTimeOffset)deviceAdvisories[0][advisory.Ordinal("valid_to")]!, Is.GreaterThan(DateTimeOffset.UtcNow), "rebased so it is current");
            Assert.That((DateTimeOffset)deviceAdvisories[0][advisory.Ordinal("valid_from")]!, Is.LessThan(DateTimeOffset.UtcNow));
        });
    }

    [Test]
    public async Task DemoData_Start_ImportsEverySampleAdvisoryPublishedAndLogsTheShift()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, environment: "Development", services: s => s.AddSingleton<ILoggerProvider>(logs));

        var advisory = host.Harness.Catalog["advisory"];
        var stored = await host.Store.ReadRowsAsync(advisory, null, null, CancellationToken.None);
        var line = logs.Entries.Single(e => e.EventId.Id == 307);
        var shift = (int)line.State["ShiftDays"]!;
        Assert.Multiple(() =>
        {
            Assert.That(stored.Select(r => r.Values[advisory.Ordinal("status")]), Is.EqualTo(Enumerable.Repeat("published", 5)));
            Assert.That(line.State["Inserted"], Is.EqualTo(5L));
            Assert.That(line.State["Rejected"], Is.EqualTo(0L));
            Assert.That(shift, Is.GreaterThan(0));
            var soybean = stored.Single(r => Equals(r.Values[0], Guid.Parse("0190a1b2-0000-7000-8000-000000000005")));
            Assert.That(soybean.Values[advisory.Ordinal("valid_to")], Is.EqualTo(DateTimeOffset.Parse("2025-07-15T23:59:59+05:30", CultureInfo.InvariantCulture).AddDays(shift)), "shifted by whole days");
            Assert.That(stored.Min(r => (DateTimeOffset)r.Values[advisory.Ordinal("valid_to")]!), Is.GreaterThan(DateTimeOffset.UtcNow.AddDays(6)), "the earliest ends about a week ahead");
        });
    }

    [Test]
    public async Task DevToken_OfficerRole_SeesTheDemoFarmerOfTheirBlock()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, environment: "Development");
        using var response = await host.RawClient().PostAsJsonAsync("dev/token", new { role = "extension_officer" });
        var token = await response.Content.ReadFromJsonAsync<DevTokenResponse>();
        var officerScope = host.Harness.Scopes.Find("extension-officer", 1)!;
        var device = await host.Harness.NewDeviceAsync(officerScope);
        using var transport = new HttpSyncTransport(
            new HttpSyncTransportOptions { BaseAddress = host.BaseAddress, AccessToken = _ => ValueTask.FromResult(token!.AccessToken) },
            host.Harness.Scopes.Scopes);

        await new DeviceSynchronizer(device, transport).SyncAsync(null, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((await device.ReadAllAsync("farmer_profile", CancellationToken.None)).Select(r => r[0]), Is.EqualTo(new object[] { DemoIds.Farmer }));
            Assert.That(await device.ReadAllAsync("lgd_block", CancellationToken.None), Has.Count.EqualTo(10), "blocks of the district the officer is assigned to");
        });
    }

    [Test]
    public async Task DevToken_UnknownRole_Returns400InvalidRequest()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, environment: "Development");

        using var response = await host.RawClient().PostAsJsonAsync("dev/token", new { role = "admin" });
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(problem.Code, Is.EqualTo("invalid_request"));
        });
    }

    [Test]
    public async Task DevToken_OutsideDevelopment_IsNotMapped()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, environment: "Production");

        using var response = await host.RawClient().PostAsJsonAsync("dev/token", new { role = "farmer" });
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(async () =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(problem.Code, Is.EqualTo("not_found"));
            Assert.That(await host.Store.ReadRowsAsync(host.Harness.Catalog["farmer_profile"], null, null, CancellationToken.None), Is.Empty, "no demo data outside Development");
        });
    }

    [Test]
    public async Task DemoData_SecondStartOnSameStore_ChangesNothing()
    {
        var path = Path.Combine(Path.GetTempPath(), "ks-demo-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            IReadOnlyList<long> before;
            await using (var first = await ServerHost.StartAsync(StoreKind.Sqlite, environment: "Development", sqlitePath: path))
            {
                before = await VersionsAsync(first);
            }

            await using var second = await ServerHost.StartAsync(StoreKind.Sqlite, environment: "Development", sqlitePath: path);
            var after = await VersionsAsync(second);

            Assert.Multiple(() =>
            {
                Assert.That(before, Has.Count.GreaterThan(20));
                Assert.That(after, Is.EqualTo(before));
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }

        static async Task<IReadOnlyList<long>> VersionsAsync(ServerHost host)
        {
            var versions = new List<long>();
            foreach (var table in host.Harness.Catalog.Tables)
            {
                versions.AddRange((await host.Store.ReadRowsAsync(table, null, null, CancellationToken.None)).Select(r => r.Version));
            }

            return versions;
        }
    }
}
