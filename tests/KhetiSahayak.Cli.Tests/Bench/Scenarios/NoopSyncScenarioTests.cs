using KhetiSahayak.Cli.Bench.Scenarios;
using NUnit.Framework;

namespace KhetiSahayak.Cli.Tests.Bench.Scenarios;

[TestFixture]
public sealed class NoopSyncScenarioTests
{
    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task RunAsync_UpToDateDevice_OneRequestAndNothingWritten(string store)
    {
        await using var context = await BenchTestContext.CreateAsync(store);

        var report = await NoopSyncScenario.RunAsync(context.Settings, repeats: 3, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Scenario, Is.EqualTo("noop-sync"));
            Assert.That(report.Repeats, Is.EqualTo(3));
            Assert.That(report.RequestsPerSync, Is.EqualTo(1));
            Assert.That(report.BytesUpPerSync, Is.GreaterThan(0));
            Assert.That(report.BytesDownPerSync, Is.GreaterThan(0));
            Assert.That(report.RowsWritten, Is.Zero);
            Assert.That(report.LatencyMs.Count, Is.EqualTo(3));
            Assert.That(report.Checks.Single(c => c.Name.StartsWith("requests", StringComparison.Ordinal)).Met, Is.True);
        }
    }
}
