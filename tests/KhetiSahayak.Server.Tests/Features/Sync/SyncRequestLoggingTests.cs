using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Sync;

[TestFixture]
public sealed class SyncRequestLoggingTests
{
    [Test]
    public async Task SyncRequest_Any_LogsOneLineWithCountsAndNoPayloadOrToken()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, services: s => s.AddSingleton<ILoggerProvider>(logs));
        var farmer = await host.NewFarmerAsync();
        var device = await host.Harness.NewDeviceAsync();
        const string SecretName = "गुप्त-शेत-नाव";
        await SyncHarness.DeviceExecAsync(device, "INSERT INTO farm_plot (plot_id, farmer_id, local_name, area_value, area_unit, area_ha) VALUES (@id, @f, @n, 1, 'acre', 0.4)",
            ("@id", Guid.CreateVersion7()), ("@f", farmer.FarmerId!.Value), ("@n", SecretName));
        var transport = host.Transport(farmer, device);

        await new DeviceSynchronizer(device, transport).SyncAsync(null, CancellationToken.None);
        await new DeviceSynchronizer(device, transport).SyncAsync(null, CancellationToken.None);

        // The line is written when the response completes, which can be just after the client has read it.
        var lines = logs.Entries.Where(e => e.EventId.Id == 200).ToList();
        for (var wait = 0; wait < 50 && lines.Count < transport.Stats.Requests; wait++)
        {
            await Task.Delay(100);
            lines = logs.Entries.Where(e => e.EventId.Id == 200).ToList();
        }

        var everything = string.Join("\n", logs.Entries.Select(e => e.Message + " " + string.Join(" ", e.State.Values)));
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Count.EqualTo(transport.Stats.Requests), "one line per sync request");
            Assert.That(lines[0].State["DeviceId"], Is.EqualTo(farmer.DeviceId));
            Assert.That(lines[0].State["RowsUp"], Is.EqualTo(1));
            Assert.That((int)lines[0].State["RowsDown"]!, Is.GreaterThan(0));
            Assert.That((long)lines[0].State["BytesIn"]!, Is.GreaterThan(0));
            Assert.That((long)lines[0].State["BytesOut"]!, Is.GreaterThan(0));
            Assert.That(lines.Select(l => l.State["Outcome"]), Is.All.EqualTo("ok"));
            Assert.That(everything, Does.Not.Contain(SecretName).And.Not.Contain(host.Token(farmer)[..40]).And.Not.Contain("शेतकरी"));
        });
    }
}
