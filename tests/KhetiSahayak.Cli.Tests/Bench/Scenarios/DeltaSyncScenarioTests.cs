using KhetiSahayak.Cli.Bench.Scenarios;
using NUnit.Framework;

namespace KhetiSahayak.Cli.Tests.Bench.Scenarios;

[TestFixture]
public sealed class DeltaSyncScenarioTests
{
    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task RunAsync_TinyRun_EverySyncPushesAndPulls(string store)
    {
        await using var context = await BenchTestContext.CreateAsync(store);

        var report = await DeltaSyncScenario.RunAsync(context.Settings, devices: 6, concurrency: 3, changes: 2, pullRows: 2, clientMaxAttempts: null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Scenario, Is.EqualTo("delta-sync"));
            Assert.That(report.Store, Is.EqualTo(store));
            Assert.That(report.Syncs, Is.EqualTo(6));
            Assert.That(report.Errors, Is.Zero, string.Join("; ", report.ErrorSamples));
            Assert.That(report.Status429, Is.GreaterThanOrEqualTo(0));
            Assert.That(report.SyncLatencyMs.Count, Is.EqualTo(6));
            Assert.That(report.ServerAcceptedLatencyMs.Count, Is.GreaterThanOrEqualTo(6));
            Assert.That(report.RequestsPerSync, Is.GreaterThanOrEqualTo(1));
            Assert.That(report.BytesPerSync, Is.GreaterThan(0));
            Assert.That(report.SyncsPerSecond, Is.GreaterThan(0));
            Assert.That(report.ProcessCpuPercent, Is.GreaterThanOrEqualTo(0));
            Assert.That(report.PostgresCpuPercent is null, Is.EqualTo(store == "sqlite"));
            Assert.That(report.ClientMaxAttempts, Is.GreaterThanOrEqualTo(1));
            Assert.That(report.Checks, Has.Count.EqualTo(3));
        }
    }
}
