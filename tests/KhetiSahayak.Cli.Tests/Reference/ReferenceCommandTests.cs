using KhetiSahayak.Advisories.Reference;
using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Spectre.Console;

namespace KhetiSahayak.Cli.Tests.Reference;

[TestFixture]
public sealed class ReferenceCommandTests
{
    private static readonly string Lgd = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "lgd"));

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ks-cli-reference-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task LoadLgd_SqliteTwice_Exits0LoadsEveryRowAndSecondRunWritesNothing()
    {
        var db = Path.Combine(_dir, "server.db");

        var (exit1, out1) = await RunAsync("reference", "load-lgd", "--dir", Lgd, "--store", "sqlite", "--sqlite-path", db);
        var before = await VersionsAsync(new SqliteServerStore(db));
        var (exit2, out2) = await RunAsync("reference", "load-lgd", "--dir", Lgd, "--store", "sqlite", "--sqlite-path", db);
        var after = await VersionsAsync(new SqliteServerStore(db));

        Assert.Multiple(() =>
        {
            Assert.That(exit1, Is.Zero, out1);
            Assert.That(exit2, Is.Zero, out2);
            Assert.That(before.Select(t => t.Count), Is.EqualTo(new[] { 36, 763, 7233 }));
            Assert.That(after, Is.EqualTo(before), "a re-load rewrites no row");
            Assert.That(out1, Does.Contain("8032 row(s) written"));
            Assert.That(out2, Does.Contain("Nothing to change"));
        });
    }

    [Test]
    public async Task LoadLgd_Postgres_Exits0AndLoadsEveryRow()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();

        var (exit, output) = await RunAsync("reference", "load-lgd", "--dir", Lgd, "--store", "postgres", "--postgres", database.ConnectionString);

        await using var store = new PostgresServerStore(database.ConnectionString);
        Assert.Multiple(async () =>
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That((await VersionsAsync(store)).Select(t => t.Count), Is.EqualTo(new[] { 36, 763, 7233 }));
        });
    }

    [Test]
    public async Task LoadLgd_MalformedBlock_Exits1NamesFileLineAndFieldAndTouchesNoStore()
    {
        var folder = Path.Combine(_dir, "lgd");
        Directory.CreateDirectory(folder);
        foreach (var file in new[] { "states.csv", "districts.csv", "blocks.csv" })
        {
            File.Copy(Path.Combine(Lgd, file), Path.Combine(folder, file));
        }

        var lines = File.ReadAllLines(Path.Combine(folder, "blocks.csv"));
        Assert.That(lines[9], Does.Contain(",6496,"), "line 10 is block 6496 (PROTHRAPUR)");
        lines[9] = lines[9].Replace(",6496,", ",ABC,", StringComparison.Ordinal);
        File.WriteAllLines(Path.Combine(folder, "blocks.csv"), lines);
        var db = Path.Combine(_dir, "server.db");

        var (exit, output) = await RunAsync("reference", "load-lgd", "--dir", folder, "--store", "sqlite", "--sqlite-path", db);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(output, Does.Contain("blocks.csv: line 10: Block Code: 'ABC' is not a positive integer code"));
            Assert.That(output, Does.Contain("nothing was loaded"));
            Assert.That(File.Exists(db), Is.False, "the files are checked before the store is opened");
        });
    }

    [TestCase("--store", "sqlite")]
    [TestCase("--store", "postgres")]
    [TestCase("--store", "oracle", "--sqlite-path", "x.db")]
    [TestCase("--sqlite-path", "x.db")]
    [TestCase("--dir", "no-such-folder", "--store", "sqlite", "--sqlite-path", "x.db")]
    public async Task LoadLgd_UsageError_Exits2(params string[] options)
    {
        var args = new List<string> { "reference", "load-lgd" };
        if (!options.Contains("--dir"))
        {
            args.AddRange(["--dir", Lgd]);
        }

        args.AddRange(options.Select(o => o is "x.db" or "no-such-folder" ? Path.Combine(_dir, o) : o));

        var (exit, output) = await RunAsync([.. args]);

        Assert.That(exit, Is.EqualTo(2), output);
    }

    [Test]
    public async Task LoadCrops_ShippedCatalog_Exits0AndLoadsEveryCrop()
    {
        var db = Path.Combine(_dir, "server.db");

        var (exit, output) = await RunAsync("reference", "load-crops", "--store", "sqlite", "--sqlite-path", db);

        var store = new SqliteServerStore(db);
        var catalog = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes).Catalog;
        Assert.Multiple(async () =>
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(await store.ReadRowsAsync(catalog["crop"], null, null, CancellationToken.None), Has.Count.EqualTo(CropCatalog.LoadDefault().Crops.Count));
        });
    }

    private static async Task<List<List<(Guid Key, long Version)>>> VersionsAsync(IServerStore store)
    {
        var catalog = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes).Catalog;
        var tables = new List<List<(Guid, long)>>();
        foreach (var table in new[] { "lgd_state", "lgd_district", "lgd_block" })
        {
            var rows = await store.ReadRowsAsync(catalog[table], null, null, CancellationToken.None);
            tables.Add(rows.Select(r => ((Guid)r.Values[0]!, r.Version)).Order().ToList());
        }

        return tables;
    }

    /// <summary>Runs the tool in-process with its console captured (Spectre's console is swapped for one writing to a string).</summary>
    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var all = args.ToList();
        if (!all.Contains("--scopes"))
        {
            all.AddRange(["--scopes", RepoPaths.SyncScopes]);
        }

        using var writer = new StringWriter();
        var original = AnsiConsole.Console;
        var (stdout, stderr) = (Console.Out, Console.Error);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        Console.SetOut(writer);
        Console.SetError(writer);
        try
        {
            var exit = await KhetiProgram.Main([.. all]);
            return (exit, writer.ToString());
        }
        finally
        {
            AnsiConsole.Console = original;
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
