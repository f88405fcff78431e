using KhetiSahayak.Cli.Simulation;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Server.Tests.Features.Sync;

/// <summary>A pull cut mid-response resumes from the last committed page: what a cut costs is at most one page.</summary>
[TestFixture]
public sealed class ResumptionTests
{
    [Test]
    public async Task Pull_ResponsesCutMidway_ResentBytesAtMostOnePagePerCut()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["Sync:PageMaxRows"] = "20" });
        var principal = await host.NewFarmerAsync();
        for (var i = 0; i < 200; i++)
        {
            await host.Harness.ServerUpsertAsync("farm_plot", Plot(Guid.CreateVersion7(), principal.FarmerId!.Value, i + 1, "शेत क्रमांक " + i));
        }

        // A clean first sync gives the cost of the whole pull and of its largest page.
        var clean = await host.Harness.NewDeviceAsync();
        var cleanTransport = host.Transport(principal with { DeviceId = Guid.CreateVersion7() }, null);
        var pageBytes = new List<long>();
        var cleanSync = new DeviceSynchronizer(clean, new PageMeter(cleanTransport, pageBytes));
        await cleanSync.SyncAsync(null, CancellationToken.None);
        var cleanBytes = cleanTransport.Stats.BytesReceived;

        // The same pull through a link that cuts a third of the responses partway.
        await using var proxy = await FaultProxy.StartAsync(host.BaseAddress, 0, NetworkProfile.None, seed: 11, CancellationToken.None);
        var device = await host.Harness.NewDeviceAsync();
        var token = host.Token(principal);
        using var transport = new HttpSyncTransport(
            new HttpSyncTransportOptions { BaseAddress = proxy.Address, AccessToken = _ => ValueTask.FromResult(token), BaseDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 1 },
            host.Harness.Scopes.Scopes);
        proxy.FaultRate = 0.6;
        var sync = new DeviceSynchronizer(device, transport);
        var cutsSeen = 0;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                await sync.SyncAsync(null, CancellationToken.None);
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                // Signal lost; the next attempt resumes from the last committed page.
                cutsSeen++;
            }
        }

        Assert.That(await device.ReadAllAsync("farm_plot", CancellationToken.None), Has.Count.EqualTo(200));
        Assert.That(cutsSeen, Is.GreaterThan(0));
        var extra = transport.Stats.BytesReceived - cleanBytes;
        TestContext.Out.WriteLine($"clean pull {cleanBytes} bytes in {pageBytes.Count} pages (largest {pageBytes.Max()}), with {proxy.Counters.CutResponses} cut responses {transport.Stats.BytesReceived} bytes");
        Assert.That(extra, Is.LessThanOrEqualTo(proxy.Counters.CutResponses * (pageBytes.Max() + 1024)), "each cut response costs at most the page it was carrying (plus headers)");
    }

    /// <summary>Records the wire bytes each pull answer cost.</summary>
    private sealed class PageMeter(HttpSyncTransport inner, List<long> pages) : KhetiSahayak.Sync.Protocol.ISyncTransport
    {
        public Task<KhetiSahayak.Sync.Protocol.PushResponse> PushAsync(string scope, int scopeVersion, IReadOnlyList<KhetiSahayak.Sync.Protocol.Mutation> mutations, CancellationToken cancellationToken) =>
            inner.PushAsync(scope, scopeVersion, mutations, cancellationToken);

        public async Task<KhetiSahayak.Sync.Protocol.PullResponse> PullAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken)
        {
            var before = inner.Stats.BytesReceived;
            var page = await inner.PullAsync(scope, scopeVersion, cursor, cancellationToken);
            pages.Add(inner.Stats.BytesReceived - before);
            return page;
        }
    }
}
