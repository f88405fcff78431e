using System.Text;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using Microsoft.AspNetCore.Http;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Client.Tests;

/// <summary>
/// Pages handed over undecoded (<see cref="IEncodedPullTransport"/>): the bytes are the whole answer however it
/// arrived, the cursor and hasMore are known wherever the answer put them, and a device syncing over HTTP stores the
/// rows the decoded page holds.
/// </summary>
[TestFixture]
public sealed class EncodedPullTests
{
    private static readonly ScopeSet Scopes = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes);

    private string _dir = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ks-client-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task SyncAsync_PageArrivesInSmallPiecesSplittingCharacters_DeviceStoresTheRowsTheDecodedPageHolds()
    {
        // Long Devanagari text (3 bytes a character) written 1,000 bytes at a time: reads end inside characters,
        // escapes and values, and the body is many times the transport's 64 KB read buffer.
        var body = string.Concat(Enumerable.Repeat("किसान \"खेत\" में\n", 12_000));
        var ids = new[] { "0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9c01", "0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9c02" };
        var page = $$"""{"cursor":"c-end","hasMore":false,"changes":[{"table":"advisory_translation","columns":["translation_id","lang","title","body","sms_text","crop_codes","status"],"rows":[[3,"{{ids[0]}}","hi-IN","शीर्षक",{{JsonSerializer.Serialize(body)}},null,["SOYBEAN"],"published"],[4,"{{ids[1]}}","en-IN","title","short \u0041",null,[ "COTTON" ],"published"]],"deletes":[]}]}""";
        var bytes = Encoding.UTF8.GetBytes(page);
        await using var server = await StubSyncServer.StartAsync(async (c, _) =>
        {
            c.Response.ContentType = "application/json";
            for (var at = 0; at < bytes.Length; at += 1_000)
            {
                await c.Response.Body.WriteAsync(bytes.AsMemory(at, Math.Min(1_000, bytes.Length - at)));
                await c.Response.Body.FlushAsync();
            }
        });
        using var transport = Transport(server);
        var scope = Scopes.Find("farmer", 1)!;
        await using var device = await DeviceStore.OpenAsync(Path.Combine(_dir, "device.db"), scope, CancellationToken.None);

        var report = await new DeviceSynchronizer(device, transport).SyncAsync(null, CancellationToken.None);
        var decoded = await transport.PullAsync("farmer", 1, "again", CancellationToken.None);

        var rows = await device.ReadAllAsync("advisory_translation", CancellationToken.None);
        var table = scope.Tables.Single(t => t.Name == "advisory_translation").Table;
        Assert.Multiple(async () =>
        {
            Assert.That((report.Pages, report.RowsUpserted), Is.EqualTo((1, 2)));
            Assert.That(await device.GetCursorAsync(CancellationToken.None), Is.EqualTo("c-end"));
            Assert.That(rows, Has.Count.EqualTo(2));
            foreach (var (row, pulled) in rows.Zip(decoded.Changes.Single().Upserts))
            {
                var expected = new object?[table.Columns.Count];
                for (var i = 0; i < decoded.Changes.Single().Columns.Count; i++)
                {
                    expected[table.Ordinal(decoded.Changes.Single().Columns[i])] = pulled.Values[i];
                }

                Assert.That(row, Is.EqualTo(expected));
            }

            Assert.That(rows[0][table.Ordinal("body")], Is.EqualTo(body));
            Assert.That(rows[1][table.Ordinal("crop_codes")], Is.EqualTo("""["COTTON"]"""), "JSON kept in its canonical form");
        });
    }

    [TestCase("""{"changes":[],"hasMore":true,"cursor":"late"}""", "late", true)]
    [TestCase("""{"cursor":"early","hasMore":false,"changes":[]}""", "early", false)]
    public async Task PullEncodedAsync_CursorAnywhereInTheAnswer_PageKnowsItAndHoldsTheWholeAnswer(string answer, string cursor, bool hasMore)
    {
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c, answer));
        using var transport = Transport(server);

        using var page = await transport.PullEncodedAsync("farmer", 1, null, CancellationToken.None);

        Assert.That((page.Cursor, page.HasMore, Encoding.UTF8.GetString(page.Json.Span)), Is.EqualTo((cursor, hasMore, answer)));
    }

    [Test]
    public async Task PullEncodedAsync_AnswerIsNotASyncPage_SameErrorAsTheDecodedPull()
    {
        await using var server = await StubSyncServer.StartAsync((c, _) => StubSyncServer.JsonAsync(c, """{"changes":[]}"""));
        using var transport = Transport(server);

        var encoded = Assert.ThrowsAsync<SyncProtocolException>(() => transport.PullEncodedAsync("farmer", 1, null, CancellationToken.None));
        var decoded = Assert.ThrowsAsync<SyncProtocolException>(() => transport.PullAsync("farmer", 1, null, CancellationToken.None));

        Assert.That((encoded!.Code, encoded.Message), Is.EqualTo((decoded!.Code, decoded.Message)));
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
