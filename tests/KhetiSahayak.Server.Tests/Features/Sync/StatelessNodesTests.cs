using KhetiSahayak.Server.Infrastructure.Storage;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Server.Tests.Features.Sync;

/// <summary>Two server nodes on one PostgreSQL database serve alternate requests of one device's sync.</summary>
[TestFixture]
public sealed class StatelessNodesTests
{
    [Test]
    public async Task Sync_RequestsAlternateBetweenTwoNodes_DeviceConvergesAsWithOne()
    {
        var small = new Dictionary<string, string?> { ["Sync:PageMaxRows"] = "3" };
        await using var first = await ServerHost.StartAsync(StoreKind.Postgres, small);
        var connection = first.Services.GetRequiredService<IOptions<StoreOptions>>().Value.PostgresConnectionString;
        await using var second = await ServerHost.StartAsync(StoreKind.Postgres, new Dictionary<string, string?>(small) { ["Store:PostgresConnectionString"] = connection });

        var principal = await first.NewFarmerAsync();
        for (var i = 0; i < 10; i++)
        {
            await first.Harness.ServerUpsertAsync("farm_plot", Plot(Guid.CreateVersion7(), principal.FarmerId!.Value, i + 1));
        }

        var device = await first.Harness.NewDeviceAsync();
        var transport = new AlternatingTransport(first.Transport(principal), second.Transport(principal));
        var sync = new DeviceSynchronizer(device, transport);
        var initial = await sync.SyncAsync(null, CancellationToken.None);

        var mine = Guid.CreateVersion7();
        await DeviceInsertPlotAsync(device, mine, principal.FarmerId!.Value, 2.5);
        await sync.SyncAsync(null, CancellationToken.None);
        var other = await first.Harness.NewDeviceAsync();
        var otherPrincipal = principal with { DeviceId = Guid.CreateVersion7() };
        await new DeviceSynchronizer(other, new AlternatingTransport(second.Transport(otherPrincipal), first.Transport(otherPrincipal))).SyncAsync(null, CancellationToken.None);

        Assert.That(initial.Pages, Is.GreaterThan(2), "the pull was paged across both nodes");
        Assert.That(transport.Calls, Is.GreaterThan(3));
        Assert.That(await device.ReadAllAsync("farm_plot", CancellationToken.None), Has.Count.EqualTo(11));
        Assert.That((await other.ReadAllAsync("farm_plot", CancellationToken.None)).Select(r => (Guid)r[0]!), Does.Contain(mine));
    }

    /// <summary>Sends each call to the other node than the last one.</summary>
    private sealed class AlternatingTransport(HttpSyncTransport a, HttpSyncTransport b) : ISyncTransport
    {
        public int Calls { get; private set; }

        private HttpSyncTransport Next() => Calls++ % 2 == 0 ? a : b;

        public Task<PushResponse> PushAsync(string scope, int scopeVersion, IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken) =>
            Next().PushAsync(scope, scopeVersion, mutations, cancellationToken);

        public Task<PullResponse> PullAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken) =>
            Next().PullAsync(scope, scopeVersion, cursor, cancellationToken);
    }
}
