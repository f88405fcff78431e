using System.CommandLine;
using System.Text.Json;
using KhetiSahayak.Cli.Bench;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Cli.Tests.Bench;

[TestFixture]
public sealed class BenchCommandTests
{
    [Test]
    public async Task Invoke_NoopSyncJson_PrintsExactlyOneJsonObject()
    {
        var (exit, stdout, _) = await InvokeAsync("bench", "noop-sync", "--repeat", "2", "--json", "--seed", "7", "--scopes", RepoPaths.SyncScopes);

        Assert.That(exit, Is.Zero);
        using var report = JsonDocument.Parse(stdout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.RootElement.ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(report.RootElement.GetProperty("scenario").GetString(), Is.EqualTo("noop-sync"));
            Assert.That(report.RootElement.GetProperty("store").GetString(), Is.EqualTo("sqlite"));
            Assert.That(report.RootElement.GetProperty("seed").GetInt32(), Is.EqualTo(7));
            Assert.That(report.RootElement.GetProperty("requests_per_sync").GetDouble(), Is.EqualTo(1));
            Assert.That(report.RootElement.GetProperty("latency_ms").GetProperty("count").GetInt32(), Is.EqualTo(2));
            Assert.That(report.RootElement.GetProperty("checks").GetArrayLength(), Is.GreaterThan(0));
        }
    }

    [Test]
    public async Task Invoke_PostgresWithoutConnectionString_ExitsWithUsageError()
    {
        var saved = Environment.GetEnvironmentVariable(BenchSettings.PostgresEnvironmentVariable);
        Environment.SetEnvironmentVariable(BenchSettings.PostgresEnvironmentVariable, null);
        try
        {
            var (exit, stdout, stderr) = await InvokeAsync("bench", "noop-sync", "--store", "postgres", "--json", "--scopes", RepoPaths.SyncScopes);

            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr, Does.Contain("--postgres").And.Contain(BenchSettings.PostgresEnvironmentVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(BenchSettings.PostgresEnvironmentVariable, saved);
        }
    }

    [Test]
    public async Task Invoke_UnknownStore_IsRefused()
    {
        var (exit, stdout, _) = await InvokeAsync("bench", "noop-sync", "--store", "mysql", "--json");

        Assert.That(exit, Is.Not.Zero);
        Assert.That(stdout, Does.Not.Contain("\"scenario\""));
    }

    [TestCase("noop-sync", "Sync:BrotliQuality=20", "BrotliQuality")]
    [TestCase("bulk-load", "AdvisoryImport:WriteConcurrency=0", "WriteConcurrency")]
    public async Task Invoke_SetWithAnInvalidServerSetting_ExitsNamingTheSetting(string scenario, string setting, string named)
    {
        var (exit, stdout, stderr) = await InvokeAsync("bench", scenario, "--json", "--set", setting, "--scopes", RepoPaths.SyncScopes);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.StartWith("error: ").And.Contain(named));
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { BenchCommand.Create() };
        var (originalOut, originalError) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
