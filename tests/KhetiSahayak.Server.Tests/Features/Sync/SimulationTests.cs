using System.Globalization;
using KhetiSahayak.Cli.Simulation;
using KhetiSahayak.Sync.Engine;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Sync;

/// <summary>
/// The fault-injection convergence run over real HTTP: a hundred devices, two per farmer, edit offline and sync
/// through a proxy that cuts requests and responses and duplicates requests. Afterwards no write is lost and every
/// device equals the server's view. Set KHETI_SEED to replay.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class SimulationTests(StoreKind store)
{
    [Test]
    public async Task Simulate_HundredDevicesThroughAFaultyLink_NoLostWritesNoDivergedRows()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("KHETI_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        TestContext.Out.WriteLine($"simulation seed: {seed} (replay with KHETI_SEED={seed})");
        await using var host = await ServerHost.StartAsync(store);
        var work = Path.Combine(Path.GetTempPath(), "ks-sim-" + Guid.NewGuid().ToString("N"));
        var options = new SimulationOptions(host.BaseAddress, Devices: 100, Operations: 1500, FaultRate: 0.15, seed, NetworkProfile.None, work);
        var simulator = new Simulator(options, host.Harness.Scopes, (farmer, device, _) => Task.FromResult(host.Token(new SyncPrincipal(farmer, "farmer", device, farmer))));

        var report = await simulator.RunAsync(null, CancellationToken.None);

        TestContext.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(report));
        Assert.Multiple(() =>
        {
            Assert.That(report.LostWrites, Is.Zero, $"seed {seed}");
            Assert.That(report.DivergedRows, Is.Zero, $"seed {seed}");
            Assert.That(report.CutRequests + report.CutResponses, Is.GreaterThan(0), "the link really dropped");
            Assert.That(report.DuplicatedRequests, Is.GreaterThan(0), "requests really arrived twice");
            Assert.That(report.Syncs, Is.GreaterThan(report.Devices));
        });
        Directory.Delete(work, recursive: true);
    }
}
