using KhetiSahayak.Cli.Bench.Scenarios;
using KhetiSahayak.Cli.Simulation;
using NUnit.Framework;

namespace KhetiSahayak.Cli.Tests.Bench.Scenarios;

[TestFixture]
public sealed class FirstInstallScenarioTests
{
    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task RunAsync_TinySeason_SnapshotPathEqualsPlainFirstSync(string store)
    {
        await using var context = await BenchTestContext.CreateAsync(store);
        // Other runs may share the cluster (KHETI_TEST_POSTGRES): compare with what was there before, as InitialSync does.
        var leftBefore = await context.BenchDatabasesAsync();

        var report = await FirstInstallScenario.RunAsync(context.Settings, NetworkProfile.None, advisories: 4, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Scenario, Is.EqualTo("first-install"));
            Assert.That(report.Identical, Is.True);

            // The snapshot holds each advisory and its preferred-language translation; the sync after it brings the rest.
            Assert.That(report.SnapshotRows, Is.EqualTo(4 * 2));
            Assert.That(report.ViaSnapshot.RowsPulledBySync, Is.EqualTo(report.Plain.RowsPulledBySync - report.SnapshotRows));
            Assert.That(report.SnapshotFileBytes, Is.GreaterThan(0));
            Assert.That(report.ViaSnapshot.WireBytes, Is.GreaterThan(report.SnapshotFileBytes));
            Assert.That(report.Checks, Has.Count.EqualTo(3));
            Assert.That(await context.BenchDatabasesAsync(), Is.EqualTo(leftBefore), "the bench drops its own database");
        }
    }
}
