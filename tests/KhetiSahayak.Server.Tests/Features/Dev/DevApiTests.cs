using System.Net;
using System.Net.Http.Json;
using KhetiSahayak.Server.Features.Dev;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
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
            Assert.That(await device.ReadAllAsync("crop", CancellationToken.None), Is.Not.Empty);
            Assert.That(await device.ReadAllAsync("advisory_translation", CancellationToken.None), Is.EqualTo(await host.Harness.ServerViewAsync(principal, host.Harness.Farmer, "advisory_translation")));
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

        Assert.That((await device.ReadAllAsync("farmer_profile", CancellationToken.None)).Select(r => r[0]), Is.EqualTo(new object[] { DemoIds.Farmer }));
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
