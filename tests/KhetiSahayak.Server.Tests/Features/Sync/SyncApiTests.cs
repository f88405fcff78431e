using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Sync;

/// <summary>
/// The sync API over real HTTP. Every store runs the same tests (subclasses pick the store); each test starts its own
/// server over its own database.
/// </summary>
public abstract class SyncApiTests
{
    private ServerHost _host = null!;

    protected abstract StoreKind Store { get; }

    [SetUp]
    public async Task StartServerAsync() => _host = await ServerHost.StartAsync(Store);

    [TearDown]
    public async Task StopServerAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Test]
    public async Task Sync_DeviceWithLocalChanges_ConvergesWithServerOverHttp()
    {
        var farmer = await _host.NewFarmerAsync();
        var other = await _host.NewFarmerAsync();
        await _host.Harness.ServerUpsertAsync("advisory_translation", SyncHarness.Translation(Guid.CreateVersion7(), "mr-IN", [481], ["SOYBEAN"]));
        await _host.Harness.ServerUpsertAsync("advisory_translation", SyncHarness.Translation(Guid.CreateVersion7(), "hi-IN", [481], ["SOYBEAN"]));
        await _host.Harness.ServerUpsertAsync("advisory_translation", SyncHarness.Translation(Guid.CreateVersion7(), "mr-IN", [999], ["SOYBEAN"]));
        await _host.Harness.ServerUpsertAsync("farm_plot", SyncHarness.Plot(Guid.CreateVersion7(), other.FarmerId!.Value, 3));
        var device = await _host.Harness.NewDeviceAsync();
        var plotId = Guid.CreateVersion7();
        await SyncHarness.DeviceInsertPlotAsync(device, plotId, farmer.FarmerId!.Value, 1.5);

        var report = await new DeviceSynchronizer(device, _host.Transport(farmer, device)).SyncAsync(null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(report.Pushed, Is.EqualTo(1));
            Assert.That(report.Applied, Is.EqualTo(1));
            Assert.That(report.Replacement, Is.False);
        });
        foreach (var table in new[] { "farmer_profile", "farm_plot", "crop_cycle", "advisory_translation" })
        {
            var onServer = await _host.Harness.ServerViewAsync(farmer, _host.Harness.Farmer, table);
            var onDevice = await device.ReadAllAsync(table, CancellationToken.None);
            Assert.That(onDevice, Is.EqualTo(onServer), $"{table}: the device holds exactly the farmer's server view");
        }

        Assert.Multiple(async () =>
        {
            Assert.That((await device.ReadAllAsync("farm_plot", CancellationToken.None)).Select(r => r[0]), Is.EqualTo(new object[] { plotId }));
            Assert.That(await device.ReadAllAsync("advisory_translation", CancellationToken.None), Has.Count.EqualTo(1), "only the Marathi translation for Latur");
            Assert.That(await device.CountPendingAsync(CancellationToken.None), Is.Zero);
        });
    }

    [Test]
    public async Task Sync_ServerAndDeviceEditDifferentColumns_MergesOverHttp()
    {
        var farmer = await _host.NewFarmerAsync();
        var device = await _host.Harness.NewDeviceAsync();
        var plotId = Guid.CreateVersion7();
        await SyncHarness.DeviceInsertPlotAsync(device, plotId, farmer.FarmerId!.Value, 1.5);
        var synchronizer = new DeviceSynchronizer(device, _host.Transport(farmer, device));
        await synchronizer.SyncAsync(null, CancellationToken.None);
        var plots = _host.Harness.Catalog["farm_plot"];
        await _host.Harness.ServerWriteAsync(s => s.UpdateAsync(plots, plotId, [plots.Ordinal("local_name")], _host.Harness.Row("farm_plot", SyncHarness.Plot(plotId, farmer.FarmerId.Value, 1.5, "विहिरीजवळ")), CancellationToken.None));
        await SyncHarness.DeviceExecAsync(device, "UPDATE farm_plot SET irrigation_source = 'borewell' WHERE plot_id = @id", ("@id", plotId));

        var report = await synchronizer.SyncAsync(null, CancellationToken.None);

        var row = (await device.ReadAllAsync("farm_plot", CancellationToken.None)).Single();
        Assert.Multiple(async () =>
        {
            Assert.That(report.Applied, Is.EqualTo(1), "merged counts as applied");
            Assert.That(row[plots.Ordinal("local_name")], Is.EqualTo("विहिरीजवळ"));
            Assert.That(row[plots.Ordinal("irrigation_source")], Is.EqualTo("borewell"));
            Assert.That(await device.ReadAllAsync("farm_plot", CancellationToken.None), Is.EqualTo(await _host.Harness.ServerViewAsync(farmer, _host.Harness.Farmer, "farm_plot")));
        });
    }

    [Test]
    public async Task Sync_NothingToDo_IsOneRequest()
    {
        var farmer = await _host.NewFarmerAsync();
        var device = await _host.Harness.NewDeviceAsync();
        var transport = _host.Transport(farmer, device);
        var synchronizer = new DeviceSynchronizer(device, transport);
        await synchronizer.SyncAsync(null, CancellationToken.None);
        var before = transport.Stats;

        await synchronizer.SyncAsync(null, CancellationToken.None);

        var after = transport.Stats;
        Assert.Multiple(() =>
        {
            Assert.That(after.Requests - before.Requests, Is.EqualTo(1));
            Assert.That(after.BytesReceived - before.BytesReceived, Is.GreaterThan(0).And.LessThan(2_000), "a no-op sync costs well under 2 KB on the wire");
        });
    }

    [Test]
    public async Task Sync_FewLocalAndFewServerChanges_IsOneRequestWithCursorAndTwoWithout()
    {
        var farmer = await _host.NewFarmerAsync();
        foreach (var withCursor in new[] { true, false })
        {
            var device = await _host.Harness.NewDeviceAsync();
            var transport = withCursor ? _host.Transport(farmer, device) : _host.Transport(farmer);
            var synchronizer = new DeviceSynchronizer(device, transport);
            await synchronizer.SyncAsync(null, CancellationToken.None);
            for (var i = 0; i < 3; i++)
            {
                await SyncHarness.DeviceInsertPlotAsync(device, Guid.CreateVersion7(), farmer.FarmerId!.Value, 1 + i);
                await _host.Harness.ServerUpsertAsync("advisory_translation", SyncHarness.Translation(Guid.CreateVersion7(), "mr-IN", [481], ["ALL"]));
            }

            var before = transport.Stats.Requests;
            var report = await synchronizer.SyncAsync(null, CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(report.Pushed, Is.EqualTo(3));
                Assert.That(report.RowsUpserted, Is.GreaterThanOrEqualTo(3));
                Assert.That(transport.Stats.Requests - before, Is.EqualTo(withCursor ? 1 : 2), withCursor ? "push and first page in one request" : "push, then pull");
            });
        }
    }

    [TestCase("br")]
    [TestCase("gzip")]
    public async Task Pull_AcceptEncoding_AnswerIsCompressed(string encoding)
    {
        var farmer = await _host.NewFarmerAsync();
        for (var i = 0; i < 20; i++)
        {
            await _host.Harness.ServerUpsertAsync("advisory_translation", SyncHarness.Translation(Guid.CreateVersion7(), "mr-IN", [481], ["SOYBEAN"]));
        }

        using var response = await _host.PostAsync("sync/v1/farmer/pull", """{"protocol":1,"scopeVersion":1}""", _host.Token(farmer), r => r.Headers.AcceptEncoding.ParseAdd(encoding));
        var compressed = await response.Content.ReadAsByteArrayAsync();
        var expectedTitle = "सल्ला";
        await using Stream decoder = encoding == "br"
            ? new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var text = new MemoryStream();
        await decoder.CopyToAsync(text);
        var json = Encoding.UTF8.GetString(text.ToArray());
        using var page = JsonDocument.Parse(json);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { encoding }));
            Assert.That(page.RootElement.GetProperty("changes").GetArrayLength(), Is.GreaterThan(0));
            Assert.That(compressed, Has.Length.LessThan(Encoding.UTF8.GetByteCount(json) / 2));
            Assert.That(json, Does.Contain(expectedTitle), "Indic text as UTF-8, not \\u escapes");
        });
    }

    [Test]
    public async Task Pull_TextNeedingEscapes_AnswerIsTheStringPagesJsonByteForByte()
    {
        var farmer = await _host.NewFarmerAsync();
        string[] texts =
        [
            "he said \"hi\" \\ back\\slash",
            "\u0001\t\n\r\u001f\u007f\u0085 controls (PostgreSQL text holds no NUL)",
            "कीड नियंत्रण: फवारणी करा। ०१२३",
            "🌾😀👩‍🌾 <b>&amp;</b> ' + ` /",
            string.Empty,
            "\u2028\u2029\u00ad\u200d\ufeff\ufffd\uffff\u0378",
            "é ñ ß € 中文 𝄞",
        ];
        foreach (var text in texts)
        {
            var row = SyncHarness.Translation(Guid.CreateVersion7(), "mr-IN", [481], ["SOYBEAN"]);
            row["title"] = text;
            row["body"] = text + " " + text;
            row["sms_text"] = text.Length % 2 == 0 ? null : text;
            await _host.Harness.ServerUpsertAsync("advisory_translation", row);
        }

        using var response = await _host.PostAsync("sync/v1/farmer/pull", """{"protocol":1,"scopeVersion":1}""", _host.Token(farmer));
        var answer = await response.Content.ReadAsByteArrayAsync();

        // The same page through the server's engine as decoded values (strings), written with the server's encoder.
        var engine = _host.Services.GetRequiredService<KhetiSahayak.Sync.Engine.SyncEngine>();
        var page = await engine.PullAsync(farmer, "farmer", 1, null, CancellationToken.None);
        var expected = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(expected, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) }))
        {
            writer.WriteStartObject();
            foreach (var _ in PullPageJson.WriteProperties(writer, _host.Harness.Farmer, page))
            {
            }

            writer.WriteEndObject();
        }

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page.Changes.Single(c => c.Table == "advisory_translation").Upserts, Has.Count.EqualTo(texts.Length));
        // From hasMore on: the cursor leads the page and carries the store's watermark, which on PostgreSQL moves
        // between the two reads.
        var rest = AfterCursor(answer);
        var expectedRest = AfterCursor(expected.WrittenSpan.ToArray());
        Assert.That(Encoding.UTF8.GetString(rest), Is.EqualTo(Encoding.UTF8.GetString(expectedRest)));
        Assert.That(rest, Is.EqualTo(expectedRest));

        static byte[] AfterCursor(byte[] json)
        {
            Assert.That(json.AsSpan().StartsWith("{\"cursor\":\""u8), Is.True);
            var at = json.AsSpan().IndexOf(",\"hasMore\":"u8);
            Assert.That(at, Is.GreaterThan(0));
            return json[at..];
        }
    }

    [Test]
    public async Task Pull_BrotliQuality_FollowsConfiguration()
    {
        // Sync:BrotliQuality reaches the wire: the same page at quality 11 is clearly smaller than at quality 0, and
        // both decode to the same rows.
        var ids = Enumerable.Range(0, 60).Select(_ => Guid.CreateVersion7()).ToList();
        async Task<(int Bytes, int Rows)> PullAtAsync(int quality)
        {
            await using var host = await ServerHost.StartAsync(Store, new Dictionary<string, string?> { ["Sync:BrotliQuality"] = quality.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var farmer = await host.NewFarmerAsync();
            foreach (var id in ids)
            {
                await host.Harness.ServerUpsertAsync("advisory_translation", SyncHarness.Translation(id, "mr-IN", [481], ["SOYBEAN"], advisoryId: id));
            }

            using var response = await host.PostAsync("sync/v1/farmer/pull", """{"protocol":1,"scopeVersion":1}""", host.Token(farmer), r => r.Headers.AcceptEncoding.ParseAdd("br"));
            Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "br" }));
            var compressed = await response.Content.ReadAsByteArrayAsync();
            await using var decoder = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var page = await JsonDocument.ParseAsync(decoder);
            var rows = page.RootElement.GetProperty("changes").EnumerateArray()
                .Where(t => t.GetProperty("table").GetString() == "advisory_translation")
                .Sum(t => t.GetProperty("rows").GetArrayLength());
            return (compressed.Length, rows);
        }

        var fastest = await PullAtAsync(0);
        var densest = await PullAtAsync(11);

        Assert.Multiple(() =>
        {
            Assert.That(fastest.Rows, Is.EqualTo(60));
            Assert.That(densest.Rows, Is.EqualTo(60));
            Assert.That(densest.Bytes, Is.LessThan(fastest.Bytes * 0.9), $"quality 11: {densest.Bytes} B, quality 0: {fastest.Bytes} B");
        });
    }

    [Test]
    public async Task Push_GzipRequestBody_IsDecompressedAndApplied()
    {
        var farmer = await _host.NewFarmerAsync();
        var plotId = Guid.CreateVersion7();
        var body = WireJson.Push(WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", plotId, WireJson.PlotValues(plotId, farmer.FarmerId!.Value, 2)));
        using var gz = new MemoryStream();
        await using (var gzip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(body));
        }

        using var response = await _host.PostAsync("sync/v1/farmer/push", string.Empty, _host.Token(farmer), r =>
        {
            r.Content = new ByteArrayContent(gz.ToArray());
            r.Content.Headers.ContentType = new("application/json");
            r.Content.Headers.ContentEncoding.Add("gzip");
        });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await PlotAsync(plotId), Is.Not.Null);
    }

    [Test]
    public async Task Pull_OtherFarmersToken_NeverReturnsTheirRows()
    {
        var alice = await _host.NewFarmerAsync();
        var bob = await _host.NewFarmerAsync();
        var bobsPlot = Guid.CreateVersion7();
        await _host.Harness.ServerUpsertAsync("farm_plot", SyncHarness.Plot(bobsPlot, bob.FarmerId!.Value, 2));
        var device = await _host.Harness.NewDeviceAsync();

        await new DeviceSynchronizer(device, _host.Transport(alice, device)).SyncAsync(null, CancellationToken.None);
        var page = (await _host.PullJsonAsync(alice)).GetRawText();

        Assert.Multiple(async () =>
        {
            Assert.That(page, Does.Not.Contain(bobsPlot.ToString()).And.Not.Contain(bob.FarmerId.Value.ToString()));
            Assert.That(await device.ReadAllAsync("farm_plot", CancellationToken.None), Is.Empty);
            Assert.That((await device.ReadAllAsync("farmer_profile", CancellationToken.None)).Select(r => r[0]), Is.EqualTo(new object[] { alice.FarmerId!.Value }));
        });
    }

    [Test]
    public async Task Push_CraftedMutationOnOtherFarmersRow_IsRejectedAndRowUnchanged()
    {
        var alice = await _host.NewFarmerAsync();
        var bob = await _host.NewFarmerAsync();
        var bobsPlot = Guid.CreateVersion7();
        await _host.Harness.ServerUpsertAsync("farm_plot", SyncHarness.Plot(bobsPlot, bob.FarmerId!.Value, 2, "bob's"));
        var before = await PlotAsync(bobsPlot);
        var newPlot = Guid.CreateVersion7();
        var body = WireJson.Push(
            WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "update", bobsPlot, WireJson.PlotValues(bobsPlot, bob.FarmerId.Value, 9, "mine now"), before!.Version),
            WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "update", bobsPlot, WireJson.PlotValues(bobsPlot, alice.FarmerId!.Value, 9, "mine now"), before.Version),
            WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "delete", bobsPlot, null, before.Version),
            WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", newPlot, WireJson.PlotValues(newPlot, bob.FarmerId.Value, 1, "planted")));

        using var response = await _host.PostAsync("sync/v1/farmer/push", body, _host.Token(alice));
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = answer.RootElement.GetProperty("results").EnumerateArray().ToList();

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(results.Select(r => r.GetProperty("status").GetString()), Is.All.EqualTo("rejected"));
            Assert.That(results.Select(r => r.GetProperty("code").GetString()), Is.All.EqualTo(SyncErrorCodes.Forbidden));
            Assert.That(results.Select(r => r.GetProperty("row").TryGetProperty("values", out _)), Is.All.False, "nothing of bob's row is disclosed");
            var after = await PlotAsync(bobsPlot);
            Assert.That(after!.Version, Is.EqualTo(before.Version));
            Assert.That(after.Values, Is.EqualTo(before.Values));
            Assert.That(await PlotAsync(newPlot), Is.Null);
        });
    }

    [Test]
    public async Task Push_Replayed_AnswersTheSameAndAppliesOnce()
    {
        var farmer = await _host.NewFarmerAsync();
        var plotId = Guid.CreateVersion7();
        var body = WireJson.Push(
            WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", plotId, WireJson.PlotValues(plotId, farmer.FarmerId!.Value, 2)),
            WireJson.Mutation(Guid.CreateVersion7(), "no_such_table", "insert", Guid.CreateVersion7(), "{}"));

        using var first = await _host.PostAsync("sync/v1/farmer/push", body, _host.Token(farmer));
        var firstJson = await first.Content.ReadAsStringAsync();
        var afterFirst = await PlotAsync(plotId);
        using var second = await _host.PostAsync("sync/v1/farmer/push", body, _host.Token(farmer));
        var secondJson = await second.Content.ReadAsStringAsync();
        var afterSecond = await PlotAsync(plotId);

        Assert.Multiple(() =>
        {
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Statuses(secondJson), Is.EqualTo(Statuses(firstJson)).And.EqualTo(new[] { "applied:", "rejected:unknown_table" }));
            Assert.That(afterSecond!.Version, Is.EqualTo(afterFirst!.Version), "the replay wrote nothing");
        });

        static string[] Statuses(string json) => JsonDocument.Parse(json).RootElement.GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("status").GetString() + ":" + (r.TryGetProperty("code", out var c) ? c.GetString() : string.Empty)).ToArray();
    }

    [TestCase("""{"protocol":1,"scopeVersion":1,"mutations":[{"id":""", TestName = "Push_TruncatedJson_Returns400InvalidRequest")]
    [TestCase("not json at all", TestName = "Push_NotJson_Returns400InvalidRequest")]
    [TestCase("", TestName = "Push_EmptyBody_Returns400InvalidRequest")]
    [TestCase("[]", TestName = "Push_ArrayBody_Returns400InvalidRequest")]
    [TestCase("""{"protocol":"1","scopeVersion":1,"mutations":[]}""", TestName = "Push_ProtocolAsString_Returns400InvalidRequest")]
    [TestCase("""{"protocol":1,"scopeVersion":1,"mutations":{}}""", TestName = "Push_MutationsAsObject_Returns400InvalidRequest")]
    [TestCase("""{"protocol":1,"scopeVersion":1}""", TestName = "Push_NoMutations_Returns400InvalidRequest")]
    [TestCase("""{"protocol":1,"mutations":[]}""", TestName = "Push_NoScopeVersion_Returns400InvalidRequest")]
    [TestCase("""{"protocol":1,"scopeVersion":1,"mutations":[{"id":42,"table":"farm_plot","op":"insert","key":"KEY","values":{}}]}""", TestName = "Push_IdAsNumber_Returns400InvalidRequest")]
    [TestCase("""{"protocol":1,"scopeVersion":1,"mutations":[{"id":"0190b000-0000-7000-8000-000000000001","table":"farm_plot","op":"upsert","key":"KEY","values":{}}]}""", TestName = "Push_UnknownOp_Returns400InvalidRequest")]
    [TestCase("""{"protocol":1,"scopeVersion":1,"mutations":[{"id":"0190b000-0000-7000-8000-000000000001","table":"farm_plot","op":"update","key":"KEY","baseVersion":"7","values":{}}]}""", TestName = "Push_BaseVersionAsString_Returns400InvalidRequest")]
    [TestCase("""{"protocol":1,"scopeVersion":1,"mutations":[{"id":"0190b000-0000-7000-8000-000000000001","table":"farm_plot","op":"insert","key":"KEY","values":[1,2]}]}""", TestName = "Push_ValuesAsArray_Returns400InvalidRequest")]
    public async Task Push_MalformedRequest_Returns400InvalidRequestAndAppliesNothing(string body)
    {
        var farmer = await _host.NewFarmerAsync();
        var plotId = Guid.CreateVersion7();
        var valid = WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", plotId, WireJson.PlotValues(plotId, farmer.FarmerId!.Value, 2));

        // Where the body has room for it, a valid mutation rides along: it must not be applied either.
        body = body.Replace("\"KEY\"", $"\"{plotId}\"", StringComparison.Ordinal).Replace("\"mutations\":[{", "\"mutations\":[" + valid + ",{", StringComparison.Ordinal);
        using var response = await _host.PostAsync("sync/v1/farmer/push", body, _host.Token(farmer));
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(async () =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(problem.ContentType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.Code, Is.EqualTo("invalid_request"));
            Assert.That(await PlotAsync(plotId), Is.Null);
        });
    }

    [Test]
    public async Task Push_ValueOfWrongType_RejectsThatMutationAndAppliesNothingOfIt()
    {
        var farmer = await _host.NewFarmerAsync();
        var badPlot = Guid.CreateVersion7();
        var goodPlot = Guid.CreateVersion7();
        var badValues = WireJson.PlotValues(badPlot, farmer.FarmerId!.Value, 2).Replace("\"area_value\":2", "\"area_value\":\"two acres\"", StringComparison.Ordinal);
        var body = WireJson.Push(
            WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", badPlot, badValues),
            WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", goodPlot, WireJson.PlotValues(goodPlot, farmer.FarmerId.Value, 1)));

        using var response = await _host.PostAsync("sync/v1/farmer/push", body, _host.Token(farmer));
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = answer.RootElement.GetProperty("results");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(results[0].GetProperty("code").GetString(), Is.EqualTo(SyncErrorCodes.InvalidValue));
            Assert.That(results[1].GetProperty("status").GetString(), Is.EqualTo("applied"));
            Assert.That(await PlotAsync(badPlot), Is.Null);
            Assert.That(await PlotAsync(goodPlot), Is.Not.Null);
        });
    }

    [Test]
    public async Task Push_UnknownTableOrColumn_RejectsOnlyThoseMutations()
    {
        var farmer = await _host.NewFarmerAsync();
        var plotId = Guid.CreateVersion7();
        var withUnknownColumn = WireJson.PlotValues(plotId, farmer.FarmerId!.Value, 2).Replace("{", "{\"colour\":\"red\",", StringComparison.Ordinal);
        var goodPlot = Guid.CreateVersion7();
        var body = WireJson.Push(
            WireJson.Mutation(Guid.CreateVersion7(), "payments", "insert", Guid.CreateVersion7(), "{}"),
            WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", plotId, withUnknownColumn),
            WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", goodPlot, WireJson.PlotValues(goodPlot, farmer.FarmerId.Value, 1)));

        using var response = await _host.PostAsync("sync/v1/farmer/push", body, _host.Token(farmer));
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var codes = answer.RootElement.GetProperty("results").EnumerateArray().Select(r => r.TryGetProperty("code", out var c) ? c.GetString() : "-").ToArray();

        Assert.Multiple(async () =>
        {
            Assert.That(codes, Is.EqualTo(new[] { SyncErrorCodes.UnknownTable, SyncErrorCodes.UnknownColumn, "-" }));
            Assert.That(await PlotAsync(plotId), Is.Null);
            Assert.That(await PlotAsync(goodPlot), Is.Not.Null);
        });
    }

    [Test]
    public async Task Pull_TamperedCursor_Returns400CursorInvalid()
    {
        var farmer = await _host.NewFarmerAsync();
        var cursor = (await _host.PullJsonAsync(farmer)).GetProperty("cursor").GetString()!;
        var tampered = (cursor[0] == 'A' ? "B" : "A") + cursor[1..];

        using var pull = await _host.PostAsync("sync/v1/farmer/pull", $$"""{"protocol":1,"scopeVersion":1,"cursor":"{{tampered}}"}""", _host.Token(farmer));
        var plotId = Guid.CreateVersion7();
        var push = $$"""{"protocol":1,"scopeVersion":1,"cursor":"{{tampered}}","mutations":[{{WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", plotId, WireJson.PlotValues(plotId, farmer.FarmerId!.Value, 1))}}]}""";
        using var sync = await _host.PostAsync("sync/v1/farmer", push, _host.Token(farmer));

        Assert.Multiple(async () =>
        {
            Assert.That(await Problem.ReadAsync(pull), Is.EqualTo(new Problem(HttpStatusCode.BadRequest, "application/problem+json", SyncErrorCodes.CursorInvalid, null)).Using<Problem>(SameStatusAndCode));
            Assert.That(await Problem.ReadAsync(sync), Is.EqualTo(new Problem(HttpStatusCode.BadRequest, "application/problem+json", SyncErrorCodes.CursorInvalid, null)).Using<Problem>(SameStatusAndCode));
            Assert.That(await PlotAsync(plotId), Is.Null, "a sync with a forged cursor applies none of its mutations");
        });
    }

    [Test]
    public async Task Pull_CursorOfAnotherDevice_Returns409CursorMismatch()
    {
        var farmer = await _host.NewFarmerAsync();
        var cursor = (await _host.PullJsonAsync(farmer)).GetProperty("cursor").GetString()!;
        var otherDevice = farmer with { DeviceId = Guid.CreateVersion7() };

        using var response = await _host.PostAsync("sync/v1/farmer/pull", $$"""{"protocol":1,"scopeVersion":1,"cursor":"{{cursor}}"}""", _host.Token(otherDevice));

        Assert.That(await Problem.ReadAsync(response), Is.EqualTo(new Problem(HttpStatusCode.Conflict, "application/problem+json", SyncErrorCodes.CursorMismatch, null)).Using<Problem>(SameStatusAndCode));
    }

    [Test]
    public async Task Pull_ExpiredCursor_Returns410AndDeviceReplacesKeepingLocalChanges()
    {
        var farmer = await _host.NewFarmerAsync();
        var device = await _host.Harness.NewDeviceAsync();
        var synchronizer = new DeviceSynchronizer(device, _host.Transport(farmer, device));
        await synchronizer.SyncAsync(null, CancellationToken.None);
        var staleCursor = await device.GetCursorAsync(CancellationToken.None);

        // A row deleted long ago, and its tombstone purged: a device whose cursor predates it cannot catch up by delta.
        var plots = _host.Harness.Catalog["farm_plot"];
        var gone = Guid.CreateVersion7();
        await _host.Harness.ServerUpsertAsync("farm_plot", SyncHarness.Plot(gone, farmer.FarmerId!.Value, 1));
        await _host.Harness.ServerWriteAsync(s => s.DeleteAsync(plots, gone, DateTimeOffset.UtcNow.AddDays(-200), CancellationToken.None));
        await _host.Store.PurgeAsync(DateTimeOffset.UtcNow.AddDays(-180), CancellationToken.None);
        var localPlot = Guid.CreateVersion7();
        await SyncHarness.DeviceInsertPlotAsync(device, localPlot, farmer.FarmerId.Value, 2);

        using var expired = await _host.PostAsync("sync/v1/farmer/pull", $$"""{"protocol":1,"scopeVersion":1,"cursor":"{{staleCursor}}"}""", _host.Token(farmer));
        var report = await synchronizer.SyncAsync(null, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await Problem.ReadAsync(expired), Is.EqualTo(new Problem(HttpStatusCode.Gone, "application/problem+json", SyncErrorCodes.CursorExpired, null)).Using<Problem>(SameStatusAndCode));
            Assert.That(report.Replacement, Is.True);
            Assert.That(report.Applied, Is.EqualTo(1), "the local change survived the replacement and was pushed");
            Assert.That(await PlotAsync(localPlot), Is.Not.Null);
            Assert.That(await device.ReadAllAsync("farm_plot", CancellationToken.None), Is.EqualTo(await _host.Harness.ServerViewAsync(farmer, _host.Harness.Farmer, "farm_plot")));
        });
    }

    [TestCase(0)]
    [TestCase(2)]
    [TestCase(99)]
    public async Task Sync_UnsupportedProtocol_Returns400UnsupportedProtocol(int protocol)
    {
        var farmer = await _host.NewFarmerAsync();

        using var response = await _host.PostAsync("sync/v1/farmer", $$"""{"protocol":{{protocol}},"scopeVersion":1}""", _host.Token(farmer));

        Assert.That(await Problem.ReadAsync(response), Is.EqualTo(new Problem(HttpStatusCode.BadRequest, "application/problem+json", "unsupported_protocol", null)).Using<Problem>(SameStatusAndCode));
    }

    [TestCase("farmer", 7, HttpStatusCode.NotFound, SyncErrorCodes.UnknownScope)]
    [TestCase("no-such-scope", 1, HttpStatusCode.NotFound, SyncErrorCodes.UnknownScope)]
    [TestCase("extension-officer", 1, HttpStatusCode.Forbidden, SyncErrorCodes.ScopeForbidden)]
    public async Task Pull_ScopeNotServedToPrincipal_ReturnsProblem(string scope, int version, HttpStatusCode status, string code)
    {
        var farmer = await _host.NewFarmerAsync();

        using var response = await _host.PostAsync($"sync/v1/{scope}/pull", $$"""{"protocol":1,"scopeVersion":{{version}}}""", _host.Token(farmer));

        Assert.That(await Problem.ReadAsync(response), Is.EqualTo(new Problem(status, "application/problem+json", code, null)).Using<Problem>(SameStatusAndCode));
    }

    [Test]
    public async Task Push_MoreMutationsThanAllowed_Returns413AndAppliesNothing()
    {
        var farmer = await _host.NewFarmerAsync();
        var plotIds = Enumerable.Range(0, 501).Select(_ => Guid.CreateVersion7()).ToList();
        var body = WireJson.Push(plotIds.Select(id => WireJson.Mutation(Guid.CreateVersion7(), "farm_plot", "insert", id, WireJson.PlotValues(id, farmer.FarmerId!.Value, 1))).ToArray());

        using var response = await _host.PostAsync("sync/v1/farmer/push", body, _host.Token(farmer));

        Assert.Multiple(async () =>
        {
            Assert.That(await Problem.ReadAsync(response), Is.EqualTo(new Problem(HttpStatusCode.RequestEntityTooLarge, "application/problem+json", SyncErrorCodes.TooManyMutations, null)).Using<Problem>(SameStatusAndCode));
            Assert.That(await PlotAsync(plotIds[0]), Is.Null);
        });
    }

    private static bool SameStatusAndCode(Problem a, Problem b) => a.Status == b.Status && a.Code == b.Code && a.ContentType == b.ContentType;

    private async Task<KhetiSahayak.Sync.Stores.StoredRow?> PlotAsync(Guid plotId) =>
        (await _host.Store.ReadRowsAsync(_host.Harness.Catalog["farm_plot"], "plot_id", plotId, CancellationToken.None)).SingleOrDefault();
}
