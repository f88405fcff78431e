using System.Text.Json;
using KhetiSahayak.Testing;
using Microsoft.Data.Sqlite;
using NUnit.Framework;

namespace KhetiSahayak.Cli.Tests.Advisories;

[TestFixture]
public sealed class AdvisoriesCommandTests
{
    private static readonly string SharedData = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data"));

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ks-cli-advisories-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task Import_SampleJsonTwice_Exits0AndSecondRunIsUnchanged()
    {
        var db = Path.Combine(_dir, "server.db");
        var first = Path.Combine(_dir, "first.json");
        var second = Path.Combine(_dir, "second.json");

        var exit1 = await ImportAsync(Path.Combine(SharedData, "advisories.sample.json"), "--store", "sqlite", "--sqlite-path", db, "--report", first);
        var exit2 = await ImportAsync(Path.Combine(SharedData, "advisories.sample.json"), "--store", "sqlite", "--sqlite-path", db, "--report", second);

        using var r1 = JsonDocument.Parse(File.ReadAllText(first));
        using var r2 = JsonDocument.Parse(File.ReadAllText(second));
        Assert.Multiple(() =>
        {
            Assert.That(exit1, Is.Zero);
            Assert.That(exit2, Is.Zero);
            Assert.That(r1.RootElement.GetProperty("inserted").GetInt64(), Is.EqualTo(5));
            Assert.That(r1.RootElement.GetProperty("warnings").GetInt64(), Is.EqualTo(1));
            Assert.That(r2.RootElement.GetProperty("unchanged").GetInt64(), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task Import_CsvWithBadRow_Exits1AndReportNamesRowAndField()
    {
        var csv = Path.Combine(_dir, "bulletin.csv");
        var report = Path.Combine(_dir, "report.json");
        const string header = "advisory_id,version,source_type,issuing_office,category,severity,season,crop_codes,stage_codes,district_codes,block_codes,valid_from,valid_to,status,primary_lang,lang,title,body,sms_text";
        File.WriteAllText(csv, string.Join('\n',
            header,
            $"{Guid.CreateVersion7()},1,KVK,KVK Latur,pest,advisory,kharif,SOYBEAN,,481,,2025-07-20,2025-08-05,published,en-IN,en-IN,Stem fly,Spray now.,",
            $"{Guid.CreateVersion7()},1,KVK,KVK Latur,pest,advisory,kharif,SOYBEAN,,481,,2025-07-20,2025-08-05,published,en-IN,en-IN,Stem fly,Spray now.,",
            $"{Guid.CreateVersion7()},1,KVK,KVK Latur,pest,advisory,banana,SOYBEAN,,481,,2025-07-20,2025-08-05,published,en-IN,en-IN,Stem fly,Spray now.,") + "\n");

        var exit = await ImportAsync(csv, "--store", "sqlite", "--sqlite-path", Path.Combine(_dir, "server.db"), "--report", report);

        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var issue = doc.RootElement.GetProperty("issues")[0];
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(doc.RootElement.GetProperty("inserted").GetInt64(), Is.EqualTo(2));
            Assert.That(doc.RootElement.GetProperty("rejected").GetInt64(), Is.EqualTo(1));
            Assert.That(issue.GetProperty("row").GetInt64(), Is.EqualTo(4));
            Assert.That(issue.GetProperty("field").GetString(), Is.EqualTo("season"));
            Assert.That(issue.GetProperty("code").GetString(), Is.EqualTo("invalid_enum"));
        });
    }

    [TestCase("--store", "sqlite")]
    [TestCase("--store", "postgres")]
    [TestCase("--store", "oracle", "--sqlite-path", "x.db")]
    [TestCase("--store", "sqlite", "--sqlite-path", "x.db", "--format", "xml")]
    [TestCase("--store", "sqlite", "--sqlite-path", "x.db", "--write-concurrency", "0")]
    [TestCase("--store", "sqlite", "--sqlite-path", "x.db", "--write-concurrency", "17")]
    public async Task Import_UsageError_Exits2(params string[] options)
    {
        var exit = await ImportAsync(Path.Combine(SharedData, "advisories.sample.json"), options);

        Assert.That(exit, Is.EqualTo(2));
    }

    [Test]
    public async Task Import_MissingFile_Exits2()
    {
        var exit = await ImportAsync(Path.Combine(_dir, "missing.csv"), "--store", "sqlite", "--sqlite-path", Path.Combine(_dir, "server.db"));

        Assert.That(exit, Is.EqualTo(2));
    }

    private async Task<int> ImportAsync(string file, params string[] options)
    {
        var args = new List<string> { "advisories", "import", file, "--lgd", Path.Combine(SharedData, "lgd"), "--scopes", RepoPaths.SyncScopes };
        args.AddRange(options.Select(o => o == "x.db" ? Path.Combine(_dir, o) : o));
        var original = (Console.Out, Console.Error);
        Console.SetOut(TextWriter.Null);
        Console.SetError(TextWriter.Null);
        try
        {
            return await KhetiProgram.Main([.. args]);
        }
        finally
        {
            Console.SetOut(original.Out);
            Console.SetError(original.Error);
        }
    }
}
