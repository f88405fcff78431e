using System.Diagnostics;
using System.Text;
using System.Text.Json;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Testing;
using Microsoft.AspNetCore.Http;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Client.Tests;

[TestFixture]
public sealed class HttpSyncTransportTests
{
    private const string EmptyPage = """{"changes":[],"cursor":"c1","hasMore":false}""";
    private static readonly ScopeSet Scopes = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes);

    [Test]
    public async Task PullAsync_ServerAnswers503ThenOk_RetriesAndReturnsThePage()
    {
        await using var server = await StubSyncServer.StartAsync((c, n) => n == 1 ? StubSyncServer.JsonAsync(c, "{}", 503) : StubSyncServer.JsonAsync(c, EmptyPage));
        using var transport = Transport(server);

        var page = await transport.PullAsync("farmer", 1, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(page.Cursor, Is.EqualTo("c1"));
            Assert.That(transport.Stats.Requests, Is.EqualTo(2));
            Assert.That(transport.Stats.Retries, Is.EqualTo(1));
            Assert.That(server.Received.Select(r => r.Authorization), Is.All.EqualTo("Bearer token-1"));
            Assert.That(server.Received[0].AcceptEncoding, Does.Contain("br").And.Contain("gzip"));
        });
    }

    [Test]
    public async Task PullAsync_429WithRetryAfter_WaitsAtLeastThatLong()
    {
        await using var server = await StubSyncServer.StartAsync((c, n) =>
        {
            if (n == 1)
            {
                c.Response.Headers.RetryAfter = "1";
                return StubSyncServer.JsonAsync(c, """{"status":429,"code":"overloaded"}""", 429);
            }

            return StubSyncServer.JsonAsync(c, EmptyPage);
        });
        using var transport = Transport(server);
        var watch = Stopwatch.StartNew();

        await transport.PullAsync("farmer", 1, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(transport.Stats.Requests, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task PullAsync_Busy429sWithRetryAfter_DoNotUseUpMaxAttempts()
    {
        // Six busy answers, then a page: far more than MaxAttempts = 2 allows for failures.
        await using var server = await StubSyncServer.StartAsync((c, n) =>
        {
            if (n <= 6)
            {
                c.Response.Headers.RetryAfter = "0";
                return StubSyncServer.JsonAsync(c, """{"status":429,"code":"overloaded"}""", 429);
            }

            return StubSyncServer.JsonAsync(c, EmptyPage);
        });
        using var transport = Transport(server, maxAttempts: 2);

        var page = await transport.PullAsync("farmer", 1, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(page.Cursor, Is.EqualTo("c1"));
            Assert.That(transport.Stats.Requests, Is.EqualTo(7));
            Assert.That(transport.Stats.BusyRetries, Is.EqualTo(6));
            Assert.That(transport.Stats.Retries, Is.EqualTo(6));
        });
    }

    [Test]
    public async Task PullAsync_500sBetweenBusyAnswers_OnlyTheFailuresCountAgainstMaxAttempts()
    {
        // 429, 500, 429, 500: with MaxAttempts = 2 the second 500 is the last failure allowed.
        await using var server = await StubSyncServer.StartAsync((c, n) =>
        {
            if (n % 2 == 1)
            {
                c.Response.Headers.RetryAfter = "0";
                return StubSyncServer.JsonAsync(c, """{"status":429,"code":"overloaded"}""", 429);
            }

            return StubSyncServer.JsonAsync(c, "oops", 500);
        });
        using var transport = Transport(server, maxAttempts: 2);

        var error = Assert.ThrowsAsync<HttpRequestException>(() => transport.PullAsync("farmer", 1, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.InternalServerError));
            Assert.That(transport.Stats.Requests, Is.EqualTo(4));
            Assert.That(transport.Stats.BusyRetries, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task PullAsync_429WithoutRetryAfter_CountsAsAnOrdinaryFailure()
    {
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c, """{"status":429,"code":"overloaded"}""", 429));
        using var transport = Transport(server, maxAttempts: 3);

        var error = Assert.ThrowsAsync<HttpRequestException>(() => transport.PullAsync("farmer", 1, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.TooManyRequests));
            Assert.That(transport.Stats.Requests, Is.EqualTo(3));
            Assert.That(transport.Stats.BusyRetries, Is.Zero);
        });
    }

    [Test]
    public async Task PullAsync_RetryAfterLongerThanMaxDelay_GivesUpAtOnce()
    {
        await using var server = await StubSyncServer.StartAsync((c, _) =>
        {
            c.Response.Headers.RetryAfter = "3600";
            return StubSyncServer.JsonAsync(c, """{"status":503,"code":"unavailable"}""", 503);
        });
        using var transport = Transport(server);

        var error = Assert.ThrowsAsync<HttpRequestException>(() => transport.PullAsync("farmer", 1, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.ServiceUnavailable));
            Assert.That(transport.Stats.Requests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task PullAsync_ServerKeepsFailing_StopsAfterMaxAttempts()
    {
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c, "oops", 500));
        using var transport = Transport(server, maxAttempts: 3);

        var error = Assert.ThrowsAsync<HttpRequestException>(() => transport.PullAsync("farmer", 1, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.InternalServerError));
            Assert.That(transport.Stats.Requests, Is.EqualTo(3));
            Assert.That(transport.Stats.Retries, Is.EqualTo(2));
        });
    }

    [TestCase(410, "cursor_expired")]
    [TestCase(409, "cursor_mismatch")]
    [TestCase(401, "token_expired")]
    [TestCase(400, "invalid_request")]
    public async Task PullAsync_ProblemDetails_ThrowsSyncProtocolExceptionWithItsCodeWithoutRetrying(int status, string code)
    {
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c, $$"""{"status":{{status}},"detail":"because","code":"{{code}}"}""", status));
        using var transport = Transport(server);

        var error = Assert.ThrowsAsync<SyncProtocolException>(() => transport.PullAsync("farmer", 1, "c0", CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(code));
            Assert.That(error.Message, Is.EqualTo("because"));
            Assert.That(transport.Stats.Requests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task PullAsync_ErrorWithoutProblemBody_UsesTheStatusAsCode()
    {
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c, "<html>proxy says no</html>", 403));
        using var transport = Transport(server);

        var error = Assert.ThrowsAsync<SyncProtocolException>(() => transport.PullAsync("farmer", 1, null, CancellationToken.None));

        Assert.That(error!.Code, Is.EqualTo("http_403"));
    }

    [Test]
    public async Task PullAsync_CaptivePortalHtmlWith200_ThrowsInvalidResponse()
    {
        await using var server = await StubSyncServer.StartAsync((c, _) => c.Response.WriteAsync("<html>Login to Wi-Fi</html>"));
        using var transport = Transport(server);

        var error = Assert.ThrowsAsync<SyncProtocolException>(() => transport.PullAsync("farmer", 1, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo("invalid_response"));
            Assert.That(transport.Stats.Requests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task PushAsync_ConnectionDroppedBeforeTheAnswer_RetriesTheSameMutationIds()
    {
        var mutation = Mutation();
        var results = $$$"""{"results":[{"id":"{{{mutation.Id}}}","status":"applied","row":{"version":7,"absent":false}}]}""";
        await using var server = await StubSyncServer.StartAsync((c, n) =>
        {
            if (n == 1)
            {
                c.Abort();
                return Task.CompletedTask;
            }

            return StubSyncServer.JsonAsync(c, results);
        });
        using var transport = Transport(server);

        var push = await transport.PushAsync("farmer", 1, [mutation], CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(push.Results.Single().Status, Is.EqualTo(MutationStatus.Applied));
            Assert.That(push.Results.Single().Row, Is.EqualTo(new RowState(7, false, null)));
            Assert.That(server.Received, Has.Count.EqualTo(2));
            Assert.That(server.Received[1].Body, Is.EqualTo(server.Received[0].Body));
            Assert.That(MutationIds(server.Received[1].Body), Is.EqualTo(new[] { mutation.Id }));
            Assert.That(server.Received[0].Path, Is.EqualTo("/sync/v1/farmer/push"));
        });
    }

    [Test]
    public async Task PushAsync_LargeBody_IsSentGzipCompressed()
    {
        var mutations = Enumerable.Range(0, 50).Select(_ => Mutation()).ToList();
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c, """{"results":[]}"""));
        using var transport = Transport(server);

        await transport.PushAsync("farmer", 1, mutations, CancellationToken.None);

        var received = server.Received.Single();
        Assert.Multiple(() =>
        {
            Assert.That(received.ContentEncoding, Is.EqualTo("gzip"));
            Assert.That(received.WireLength, Is.LessThan(received.Body.Length / 3));
            Assert.That(MutationIds(received.Body), Is.EqualTo(mutations.Select(m => m.Id)));
            Assert.That(Encoding.UTF8.GetString(received.Body), Does.Contain("विहिरीजवळचा शेत"), "Indic text as UTF-8, not \\u escapes");
            Assert.That(transport.Stats.BytesSent, Is.GreaterThan(received.WireLength));
            Assert.That(transport.Stats.BytesReceived, Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task PushAsync_WithCurrentCursor_SendsOneSyncRequestAndAnswersTheNextPullFromIt()
    {
        var mutation = Mutation();
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c,
            $$"""{"results":[{"id":"{{mutation.Id}}","status":"applied"}],"changes":[],"cursor":"c2","hasMore":false}"""));
        using var transport = Transport(server, currentCursor: "c1");

        await transport.PushAsync("farmer", 1, [mutation], CancellationToken.None);
        var page = await transport.PullAsync("farmer", 1, "c1", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(page.Cursor, Is.EqualTo("c2"));
            Assert.That(server.Received.Select(r => r.Path), Is.EqualTo(new[] { "/sync/v1/farmer" }));
            Assert.That(JsonDocument.Parse(server.Received[0].Body).RootElement.GetProperty("cursor").GetString(), Is.EqualTo("c1"));
        });
    }

    [Test]
    public async Task PushAsync_SyncAnswerWithoutPage_NextPullGoesToTheServer()
    {
        var mutation = Mutation();
        await using var server = await StubSyncServer.StartAsync((c, n) => n == 1
            ? StubSyncServer.JsonAsync(c, $$"""{"results":[{"id":"{{mutation.Id}}","status":"applied"}]}""")
            : StubSyncServer.JsonAsync(c, """{"status":410,"code":"cursor_expired"}""", 410));
        using var transport = Transport(server, currentCursor: "c1");

        await transport.PushAsync("farmer", 1, [mutation], CancellationToken.None);
        var error = Assert.ThrowsAsync<SyncProtocolException>(() => transport.PullAsync("farmer", 1, "c1", CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo("cursor_expired"));
            Assert.That(server.Received.Select(r => r.Path), Is.EqualTo(new[] { "/sync/v1/farmer", "/sync/v1/farmer/pull" }));
        });
    }

    [Test]
    public async Task PullAsync_CancelledDuringBackOff_StopsPromptly()
    {
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c, "{}", 503));
        using var transport = Transport(server, baseDelay: TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();

        Assert.CatchAsync<OperationCanceledException>(() => transport.PullAsync("farmer", 1, null, cancel.Token));

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task PullAsync_Page_DecodesPositionalValuesWithTheClientsColumnTypes()
    {
        var soilTest = Guid.CreateVersion7();
        var farmer = Guid.CreateVersion7();
        var gone = Guid.CreateVersion7();
        var advisory = Guid.CreateVersion7();
        var page = $$"""
            {"changes":[
              {"table":"soil_test","columns":["soil_test_id","farmer_id","ph","ratings","is_locked","sampled_on","column_from_the_future"],
               "rows":[[5,"{{soilTest}}","{{farmer}}",7.9,{"n":"L"},true,"2024-11-20","x"]],"deletes":["{{gone}}"]},
              {"table":"table_from_the_future","columns":["a"],"rows":[[1,"x"]],"deletes":[]},
              {"table":"advisory","columns":["advisory_id","version","issued_at","valid_to"],"rows":[[6,"{{advisory}}",2,"2026-01-20T03:30:00.000000Z",null]],"deletes":[]}
            ],"cursor":"c9","hasMore":true}
            """;
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c, page));
        using var transport = Transport(server);

        var result = await transport.PullAsync("farmer", 1, "c8", CancellationToken.None);

        var soil = result.Changes.Single(c => c.Table == "soil_test");
        var adv = result.Changes.Single(c => c.Table == "advisory");
        Assert.Multiple(() =>
        {
            Assert.That(result.HasMore, Is.True);
            Assert.That(result.Changes.Select(c => c.Table), Is.EqualTo(new[] { "soil_test", "advisory" }));
            Assert.That(soil.Upserts.Single().Version, Is.EqualTo(5));
            Assert.That(soil.Upserts.Single().Values, Is.EqualTo(new object?[] { soilTest, farmer, 7.9, """{"n":"L"}""", true, new DateOnly(2024, 11, 20), null }));
            Assert.That(soil.Deletes, Is.EqualTo(new[] { gone.ToString() }));
            Assert.That(adv.Upserts.Single().Values, Is.EqualTo(new object?[] { advisory, 2L, new DateTimeOffset(2026, 1, 20, 3, 30, 0, TimeSpan.Zero), null }));
        });
    }

    [Test]
    public async Task PullAsync_ValueOfWrongType_ThrowsInvalidResponse()
    {
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c,
            """{"changes":[{"table":"soil_test","columns":["ph"],"rows":[[1,"seven"]],"deletes":[]}],"cursor":"c","hasMore":false}"""));
        using var transport = Transport(server);

        var error = Assert.ThrowsAsync<SyncProtocolException>(() => transport.PullAsync("farmer", 1, null, CancellationToken.None));

        Assert.That(error!.Code, Is.EqualTo("invalid_response"));
    }

    private static HttpSyncTransport Transport(StubSyncServer server, int maxAttempts = 5, TimeSpan? baseDelay = null, string? currentCursor = null) =>
        new(
            new HttpSyncTransportOptions
            {
                BaseAddress = server.Address,
                AccessToken = _ => ValueTask.FromResult("token-1"),
                CurrentCursor = currentCursor is null ? null : _ => Task.FromResult<string?>(currentCursor),
                MaxAttempts = maxAttempts,
                BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(20),
                MaxDelay = TimeSpan.FromSeconds(5),
            },
            Scopes.Scopes);

    private static Mutation Mutation()
    {
        var table = Scopes.Catalog["farm_plot"];
        var plotId = Guid.CreateVersion7();
        return SyncHarness.InsertMutation(table, [plotId, Guid.CreateVersion7(), "विहिरीजवळचा शेत", "214/2", 1.25, "acre", 0.5059, "owned", "openwell", "black", 18.4, 76.56, 8.5]);
    }

    private static Guid[] MutationIds(byte[] body) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(body)).RootElement.GetProperty("mutations").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).ToArray();
}
