using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Advisories;

[TestFixture]
public sealed class AdvisoriesApiTests
{
    private const string ImportPath = "advisories/v1/imports";

    private static readonly string[] CsvColumns =
    [
        "advisory_id", "version", "source_type", "issuing_office", "category", "severity", "season", "crop_codes", "stage_codes",
        "district_codes", "block_codes", "valid_from", "valid_to", "status", "primary_lang", "lang", "title", "body", "sms_text",
    ];

    private static string SampleJsonPath => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "advisories.sample.json"));

    [TestCase(StoreKind.Sqlite)]
    [TestCase(StoreKind.Postgres)]
    public async Task Import_SampleJsonAsOfficer_Returns200WithCountsAndTheWarning(StoreKind store)
    {
        await using var host = await ServerHost.StartAsync(store);

        using var response = await PostFileAsync(host, File.ReadAllText(SampleJsonPath), "application/json", host.Token(Officer()));
        var report = await ReportAsync(response);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(report.GetProperty("format").GetString(), Is.EqualTo("json"));
            Assert.That(report.GetProperty("read").GetInt64(), Is.EqualTo(5));
            Assert.That(report.GetProperty("inserted").GetInt64(), Is.EqualTo(5));
            Assert.That(report.GetProperty("rejected").GetInt64(), Is.Zero);
            Assert.That(report.GetProperty("translations_written").GetInt64(), Is.EqualTo(10));
            Assert.That(report.GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("code").GetString()), Is.EqualTo(new[] { "missing_translation" }));
            Assert.That(await host.Store.ReadRowsAsync(host.Harness.Catalog["advisory"], null, null, CancellationToken.None), Has.Count.EqualTo(5));
        });
    }

    [Test]
    public async Task Import_CsvWithBadRow_ReportsRowFieldCodeAndImportsTheValidAdvisory()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite);
        var good = Guid.CreateVersion7();
        var bad = Guid.CreateVersion7();
        var csv = Csv(Row(good, "mr-IN"), Row(good, "en-IN"), Row(bad, "mr-IN", ("district_codes", "999999")));

        using var response = await PostFileAsync(host, csv, "text/csv", host.Token(Officer()));
        var report = await ReportAsync(response);

        var issue = report.GetProperty("issues").EnumerateArray().Single();
        var stored = await host.Store.ReadRowsAsync(host.Harness.Catalog["advisory"], null, null, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(report.GetProperty("inserted").GetInt64(), Is.EqualTo(1));
            Assert.That(report.GetProperty("rejected").GetInt64(), Is.EqualTo(1));
            Assert.That(issue.GetProperty("record").GetInt64(), Is.EqualTo(2));
            Assert.That(issue.GetProperty("row").GetInt64(), Is.EqualTo(4));
            Assert.That(issue.GetProperty("field").GetString(), Is.EqualTo("district_codes"));
            Assert.That(issue.GetProperty("code").GetString(), Is.EqualTo("unknown_lgd_code"));
            Assert.That(issue.GetProperty("message").GetString(), Does.Contain("999999"));
            Assert.That(stored.Select(r => r.Values[0]), Is.EqualTo(new object[] { good }));
        });
    }

    [Test]
    public async Task Import_NoValidRecord_Returns200WithTheReport()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite);

        using var response = await PostFileAsync(host, Csv(Row(Guid.CreateVersion7(), "mr-IN", ("crop_codes", "NOT_A_CROP"))), "text/csv", host.Token(Officer()));
        var report = await ReportAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(report.GetProperty("rejected").GetInt64(), Is.EqualTo(1));
            Assert.That(report.GetProperty("issues")[0].GetProperty("code").GetString(), Is.EqualTo("unknown_crop"));
        });
    }

    [Test]
    public async Task Import_JsonWithATextNotUtf8_Returns200ReportingTheMalformedRecordAndKeepsTheOnesBefore()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite);
        var text = File.ReadAllText(SampleJsonPath);
        var fourth = text.IndexOf("0190a1b2-0000-7000-8000-000000000004", StringComparison.Ordinal);
        var body = text.IndexOf("\"body\": \"", fourth, StringComparison.Ordinal) + "\"body\": \"".Length;
        var file = Encoding.UTF8.GetBytes(text[..body]).Concat(new byte[] { 0xE0, 0x41 }).Concat(Encoding.UTF8.GetBytes(text[body..])).ToArray();

        using var response = await PostFileAsync(host, file, "application/json", host.Token(Officer()));
        var report = await ReportAsync(response);

        var issue = report.GetProperty("issues").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "malformed_input");
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(report.GetProperty("aborted").GetBoolean(), Is.True);
            Assert.That(report.GetProperty("inserted").GetInt64(), Is.EqualTo(3));
            Assert.That(issue.GetProperty("record").GetInt64(), Is.EqualTo(4));
            Assert.That(issue.GetProperty("message").GetString(), Does.Contain("is not valid Unicode"));
            Assert.That(await host.Store.ReadRowsAsync(host.Harness.Catalog["advisory"], null, null, CancellationToken.None), Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task Import_FarmerToken_Returns403ForbiddenRole()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite);
        var farmer = await host.NewFarmerAsync();

        using var response = await PostFileAsync(host, "[]", "application/json", host.Token(farmer));
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(problem.ContentType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.Code, Is.EqualTo("forbidden_role"));
        });
    }

    [Test]
    public async Task Import_NoToken_Returns401()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite);

        using var response = await PostFileAsync(host, "[]", "application/json", token: null);
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(problem.Code, Is.EqualTo("token_missing"));
        });
    }

    [TestCase("text/plain")]
    [TestCase("application/xml")]
    [TestCase("text/csv; charset=iso-8859-1")]
    public async Task Import_WrongContentType_Returns415(string contentType)
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite);

        using var response = await PostFileAsync(host, "[]", contentType, host.Token(Officer()));
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
            Assert.That(problem.Code, Is.EqualTo("unsupported_media_type"));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Import_BodyOverTheLimit_Returns413BodyTooLarge(bool chunked)
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["Advisories:MaxImportBodyBytes"] = "2048" });
        var csv = Csv(Enumerable.Range(0, 20).SelectMany(_ => { var id = Guid.CreateVersion7(); return new[] { Row(id, "mr-IN"), Row(id, "en-IN") }; }).ToArray());

        // Chunked: no Content-Length, so the limit is met while the importer streams the body.
        using var response = await PostFileAsync(host, csv, "text/csv", host.Token(Officer()), chunked);
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(problem.Code, Is.EqualTo("body_too_large"));
        });
    }

    [Test]
    public async Task Import_NoLgdData_Returns503ReferenceDataMissing()
    {
        var empty = Path.Combine(Path.GetTempPath(), "ks-no-lgd-" + Guid.NewGuid().ToString("N"));
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["Advisories:LgdPath"] = empty });

        using var response = await PostFileAsync(host, "[]", "application/json", host.Token(Officer()));
        var problem = await Problem.ReadAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(problem.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(problem.Code, Is.EqualTo("reference_data_missing"));
        });
    }

    [Test]
    public async Task Import_ThenFarmerInTargetedDistrictSyncs_ReceivesTheTranslations()
    {
        await using var host = await ServerHost.StartAsync(StoreKind.Sqlite);
        var farmer = await host.NewFarmerAsync();
        var latur = Guid.CreateVersion7();
        var elsewhere = Guid.CreateVersion7();
        var csv = Csv(Row(latur, "mr-IN"), Row(latur, "en-IN"), Row(elsewhere, "mr-IN", ("district_codes", "482")));

        using var response = await PostFileAsync(host, csv, "text/csv", host.Token(Officer()));
        var device = await host.Harness.NewDeviceAsync();
        await new DeviceSynchronizer(device, host.Transport(farmer, device)).SyncAsync(null, CancellationToken.None);

        var table = host.Harness.Catalog["advisory_translation"];
        var rows = await device.ReadAllAsync("advisory_translation", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(rows.Select(r => r[table.Ordinal("advisory_id")]).Distinct(), Is.EqualTo(new object[] { latur }));
            Assert.That(rows.Select(r => r[table.Ordinal("lang")]), Is.EquivalentTo(new[] { "mr-IN", "en-IN" }));
            Assert.That(rows.Select(r => r[table.Ordinal("title")]), Does.Contain("सोयाबीन: खोडमाशी"));
        });
    }

    private static SyncPrincipal Officer() => new(Guid.CreateVersion7(), "extension_officer", Guid.CreateVersion7(), null);

    private static Task<HttpResponseMessage> PostFileAsync(ServerHost host, string text, string contentType, string? token, bool chunked = false) =>
        PostFileAsync(host, Encoding.UTF8.GetBytes(text), contentType, token, chunked);

    private static async Task<HttpResponseMessage> PostFileAsync(ServerHost host, byte[] file, string contentType, string? token, bool chunked = false)
    {
        var client = host.RawClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, ImportPath) { Content = new ByteArrayContent(file) };
        request.Headers.TransferEncodingChunked = chunked;
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> ReportAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A valid Latur (481) soybean advisory row in <paramref name="lang"/>, valid from today for a month, with changes.</summary>
    private static string[] Row(Guid advisoryId, string lang, params (string Column, string Value)[] changes)
    {
        var today = TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromMinutes(330)).Date;
        var marathi = lang == "mr-IN";
        var values = new Dictionary<string, string>
        {
            ["advisory_id"] = advisoryId.ToString(),
            ["version"] = "1",
            ["source_type"] = "KVK",
            ["issuing_office"] = "KVK Latur",
            ["category"] = "pest",
            ["severity"] = "advisory",
            ["season"] = "kharif",
            ["crop_codes"] = "SOYBEAN",
            ["stage_codes"] = string.Empty,
            ["district_codes"] = "481",
            ["block_codes"] = string.Empty,
            ["valid_from"] = today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["valid_to"] = today.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["status"] = "published",
            ["primary_lang"] = "mr-IN",
            ["lang"] = lang,
            ["title"] = marathi ? "सोयाबीन: खोडमाशी" : "Soybean: stem fly",
            ["body"] = marathi ? "सोयाबीनवर खोडमाशीचा प्रादुर्भाव दिसल्यास फवारणी करावी." : "If stem fly appears on soybean, spray a recommended insecticide.",
            ["sms_text"] = string.Empty,
        };
        foreach (var (column, value) in changes)
        {
            values[column] = value;
        }

        return CsvColumns.Select(c => values[c]).ToArray();
    }

    private static string Csv(params string[][] rows)
    {
        static string Cell(string v) => v.Contains(',', StringComparison.Ordinal) || v.Contains('"', StringComparison.Ordinal) ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
        var text = new StringBuilder().AppendJoin(',', CsvColumns).Append('\n');
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(Cell)).Append('\n');
        }

        return text.ToString();
    }
}
