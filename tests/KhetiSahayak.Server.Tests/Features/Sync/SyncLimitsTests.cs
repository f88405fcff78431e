using System.IO.Compression;
using System.Net;
using System.Text;
using KhetiSahayak.Sync.Client;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Sync;

/// <summary>Body size, concurrency and unexpected failures: each test starts a server configured for it.</summary>
[TestFixture]
public sealed class SyncLimitsTests
{
    [Test]
    public async Task Push_BodyOverLimit_Returns413BodyTooLarge()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["Sync:MaxRequestBodyBytes"] = "16384" });
        var farmer = await host.NewFarmerAsync();
        var plotId = Guid.CreateVersion7();
        var notes = new string('x', 40_000);
        var body = WireJson.Push(WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", plotId, WireJson.PlotValues(plotId, farmer.FarmerId!.Value, 1, notes)));

        using var response = await host.PostAsync("sync/v1/farmer/push", body, host.Token(farmer));
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(async () =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(problem.Code, Is.EqualTo("body_too_large"));
            Assert.That(await host.Store.ReadRowsAsync(host.Harness.Catalog["farm_plot"], "plot_id", plotId, CancellationToken.None), Is.Empty);
        });
    }

    [Test]
    public async Task Push_SmallGzipBodyOverLimitOnceDecompressed_Returns413BodyTooLarge()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["Sync:MaxRequestBodyBytes"] = "16384" });
        var farmer = await host.NewFarmerAsync();
        var plotId = Guid.CreateVersion7();
        var body = WireJson.Push(WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", plotId, WireJson.PlotValues(plotId, farmer.FarmerId!.Value, 1, new string('x', 2_000_000))));
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(body));
        }

        Assert.That(compressed.Length, Is.LessThan(16384), "the bomb itself is small");
        using var response = await host.PostAsync("sync/v1/farmer/push", string.Empty, host.Token(farmer), r =>
        {
            r.Content = new ByteArrayContent(compressed.ToArray());
            r.Content.Headers.ContentType = new("application/json");
            r.Content.Headers.ContentEncoding.Add("gzip");
        });
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(problem.Code, Is.EqualTo("body_too_large"));
        });
    }

    [Test]
    public async Task Pull_ConcurrencyLimitReached_Returns429WithRetryAfter()
    {
        var gate = new GatedStore.Gate();
        await using var host = await ServerHost.StartAsync(
            StoreKind.Sqlite,
            new Dictionary<string, string?> { ["Sync:MaxConcurrentSyncs"] = "1", ["Sync:RetryAfterSeconds"] = "3" },
            services => services.Decorate(inner => new GatedStore(inner, gate)));
        var farmer = await host.NewFarmerAsync();
        var token = host.Token(farmer);
        const string Body = """{"protocol":1,"scopeVersion":1}""";

        gate.Close();
        var first = host.PostAsync("sync/v1/farmer/pull", Body, token);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        using var second = await host.PostAsync("sync/v1/farmer/pull", Body, token);
        gate.Open();
        using var firstResponse = await first;
        var problem = await Problem.ReadAsync(second);

        Assert.Multiple(() =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(problem.Code, Is.EqualTo("overloaded"));
            Assert.That(second.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(firstResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the request holding the permit completes");
        });
    }

    [Test]
    public async Task Transport_ServerAtAdmissionLimit_WaitsOutRetryAfterOnItsOwnBudget()
    {
        var gate = new GatedStore.Gate();
        await using var host = await ServerHost.StartAsync(
            StoreKind.Sqlite,
            new Dictionary<string, string?> { ["Sync:MaxConcurrentSyncs"] = "1", ["Sync:RetryAfterSeconds"] = "1" },
            services => services.Decorate(inner => new GatedStore(inner, gate)));
        var farmer = await host.NewFarmerAsync();
        using var transport = BusyTransport(host, farmer, maxBusyWait: TimeSpan.FromSeconds(30));

        gate.Close();
        var holder = host.PostAsync("sync/v1/farmer/pull", """{"protocol":1,"scopeVersion":1}""", host.Token(farmer));
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var pull = transport.PullAsync("farmer", 1, null, CancellationToken.None);
        while (transport.Stats.BusyRetries < 2 && !pull.IsCompleted)
        {
            await Task.Delay(50);
        }

        gate.Open();
        var page = await pull;
        using var held = await holder;

        Assert.Multiple(() =>
        {
            Assert.That(page.Cursor, Is.Not.Empty, "the pull got through once the permit was free");
            Assert.That(transport.Stats.BusyRetries, Is.GreaterThanOrEqualTo(2), "each 429 was retried although MaxAttempts is 1");
            Assert.That(transport.Stats.Requests, Is.EqualTo(transport.Stats.BusyRetries + 1));
            Assert.That(held.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Transport_ServerBusyLongerThanMaxBusyWait_GivesUpWithThe429()
    {
        var gate = new GatedStore.Gate();
        await using var host = await ServerHost.StartAsync(
            StoreKind.Sqlite,
            new Dictionary<string, string?> { ["Sync:MaxConcurrentSyncs"] = "1", ["Sync:RetryAfterSeconds"] = "1" },
            services => services.Decorate(inner => new GatedStore(inner, gate)));
        var farmer = await host.NewFarmerAsync();

        // Retry-After 1 s plus up to 20% jitter: the first wait fits 1.5 s, a second one would not.
        using var transport = BusyTransport(host, farmer, maxBusyWait: TimeSpan.FromSeconds(1.5));
        gate.Close();
        var holder = host.PostAsync("sync/v1/farmer/pull", """{"protocol":1,"scopeVersion":1}""", host.Token(farmer));
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));

        var error = Assert.ThrowsAsync<HttpRequestException>(() => transport.PullAsync("farmer", 1, null, CancellationToken.None));
        gate.Open();
        using var held = await holder;

        Assert.Multiple(() =>
        {
            Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(transport.Stats.Requests, Is.EqualTo(2));
            Assert.That(transport.Stats.BusyRetries, Is.EqualTo(1));
        });
    }

    private static HttpSyncTransport BusyTransport(ServerHost host, KhetiSahayak.Sync.Engine.SyncPrincipal principal, TimeSpan maxBusyWait)
    {
        var token = host.Token(principal);
        return new HttpSyncTransport(
            new HttpSyncTransportOptions
            {
                BaseAddress = host.BaseAddress,
                AccessToken = _ => ValueTask.FromResult(token),
                MaxAttempts = 1,
                MaxBusyWait = maxBusyWait,
            },
            host.Harness.Scopes.Scopes);
    }

    [Test]
    public async Task Pull_StoreFailsUnexpectedly_Returns500WithoutExceptionText()
    {
        var gate = new GatedStore.Gate();
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, services: services => services.Decorate(inner => new GatedStore(inner, gate)));
        var farmer = await host.NewFarmerAsync();
        gate.Fail(new InvalidOperationException("secret internals: table ks_state"));

        using var response = await host.PostAsync("sync/v1/farmer/pull", """{"protocol":1,"scopeVersion":1}""", host.Token(farmer));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(text, Does.Contain("\"code\":\"internal_error\""));
            Assert.That(text, Does.Not.Contain("secret").And.Not.Contain("ks_state").And.Not.Contain("InvalidOperationException"));
        });
    }
}
