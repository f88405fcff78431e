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
        var (exit, stdout) = await InvokeAsync("bench", "noop-sync", "--repeat", "2", "--json", "--seed", "7", "--scopes", RepoPaths.SyncScopes);

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
            var (exit, stdout) = await InvokeAsync("bench", "noop-sync", "--store", "postgres", "--json", "--scopes", RepoPaths.SyncScopes);

            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stdout, Is.Empty);
        }
        finally
        {
            Environment.SetEnvironmentVariable(BenchSettings.PostgresEnvironmentVariable, saved);
        }
    }

    [Test]
    public async Task Invoke_UnknownStore_IsRefused()
    {
        var (exit, _) = await InvokeAsync("bench", "noop-sync", "--store", "mysql", "--json");

        Assert.That(exit, Is.Not.Zero);
    }

    private static async Task<(int Exit, string Stdout)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { BenchCommand.Create() };
        var original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = captured, Error = TextWriter.Null });
            return (exit, captured.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
