using System.Text;
using System.Text.Json;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Testing;
using Microsoft.AspNetCore.Http;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Client.Tests;

/// <summary>
/// The transport asks for the next page as soon as an answer's leading <c>cursor</c>/<c>hasMore</c> arrive (PROTOCOL.md
/// 5.2, 7.4), serves that page only to a pull with exactly its cursor, and never across a push.
/// </summary>
[TestFixture]
public sealed class PullReadAheadTests
{
    private static readonly ScopeSet Scopes = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes);

    [Test]
    public async Task PullAsync_CursorLeadsTheAnswer_NextPageIsRequestedBeforeThisOneHasArrived()
    {
        var secondAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var askedBeforeFirstEnded = false;
        await using var server = await StubSyncServer.StartAsync(async (c, n) =>
        {
            c.Response.ContentType = "application/json";
            if (n == 1)
            {
                // The head, then hold the rest of the page until the next page has been asked for (or give up after 10 s).
                await c.Response.WriteAsync("""{"cursor":"c2","hasMore":true,""");
                await c.Response.Body.FlushAsync();
                askedBeforeFirstEnded = await Task.WhenAny(secondAsked.Task, Task.Delay(TimeSpan.FromSeconds(10))) == secondAsked.Task;
                await c.Response.WriteAsync("""  "changes":[]}""");
                return;
            }

            secondAsked.TrySetResult();
            await c.Response.WriteAsync("""{"cursor":"c3","hasMore":false,"changes":[]}""");
        });
        using var transport = Transport(server);

        var first = await transport.PullAsync("farmer", 1, "c1", CancellationToken.None);
        var second = await transport.PullAsync("farmer", 1, first.Cursor, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(askedBeforeFirstEnded, Is.True, "page 2 was asked for while page 1 was still arriving");
            Assert.That((first.Cursor, first.HasMore, second.Cursor, second.HasMore), Is.EqualTo(("c2", true, "c3", false)));
            Assert.That(server.Received.Select(r => Cursor(r.Body)), Is.EqualTo(new[] { "c1", "c2" }), "each page asked for once");
        });
    }

    [Test]
    public async Task PullAsync_ReadAheadPageButAPushComesFirst_PageIsAskedForAgainAfterThePush()
    {
        var mutation = SyncHarness.InsertMutation(Scopes.Catalog["farm_plot"], [Guid.CreateVersion7(), Guid.CreateVersion7(), "x", null, 1.0, "acre", 0.4, null, null, null, null, null, null]);
        var pulls = 0;
        await using var server = await StubSyncServer.StartAsync((c, _) =>
        {
            if (c.Request.Path.Value!.EndsWith("/push", StringComparison.Ordinal))
            {
                return StubSyncServer.JsonAsync(c, $$"""{"results":[{"id":"{{mutation.Id}}","status":"applied"}]}""");
            }

            var n = Interlocked.Increment(ref pulls);
            return StubSyncServer.JsonAsync(c, n == 1 ? """{"cursor":"c2","hasMore":true,"changes":[]}""" : """{"cursor":"c3","hasMore":false,"changes":[]}""");
        });
        using var transport = Transport(server);

        await transport.PullAsync("farmer", 1, "c1", CancellationToken.None);
        await WaitForAsync(() => server.Received.Count(r => Cursor(r.Body) == "c2") == 1);
        await transport.PushAsync("farmer", 1, [mutation], CancellationToken.None);
        var page = await transport.PullAsync("farmer", 1, "c2", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(page.Cursor, Is.EqualTo("c3"));
            Assert.That(server.Received.Count(r => r.Path.EndsWith("/pull", StringComparison.Ordinal) && Cursor(r.Body) == "c2"), Is.EqualTo(2),
                "the page read before the push was not served after it");
        });
    }

    [TestCase("""{"cursor":"abc","hasMore":true,"changes":[""", "Found", "abc", true)]
    [TestCase("""{"hasMore":false,"cursor":"x""", "Incomplete", null, false)]
    [TestCase("""{"changes":[],"cursor":"abc","hasMore":true}""", "Absent", null, false)]
    [TestCase("""{"results":[],"cursor":"abc","hasMore":true}""", "Absent", null, false)]
    [TestCase("""<html>""", "Absent", null, false)]
    public void Scan_AnswerStart_FindsTheLeadingCursorOnly(string start, string state, string? cursor, bool hasMore)
    {
        var (s, c, h) = AnswerHead.Scan(Encoding.UTF8.GetBytes(start));

        Assert.That((s.ToString(), c, h), Is.EqualTo((state, cursor, hasMore)));
    }

    private static string? Cursor(byte[] body) =>
        JsonDocument.Parse(body).RootElement.TryGetProperty("cursor", out var c) ? c.GetString() : null;

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.That(condition(), Is.True, "timed out waiting");
    }

    private static HttpSyncTransport Transport(StubSyncServer server) =>
        new(
            new HttpSyncTransportOptions
            {
                BaseAddress = server.Address,
                AccessToken = _ => ValueTask.FromResult("token-1"),
                BaseDelay = TimeSpan.FromMilliseconds(20),
            },
            Scopes.Scopes);
}
