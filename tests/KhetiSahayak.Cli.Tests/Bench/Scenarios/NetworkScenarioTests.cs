using KhetiSahayak.Cli.Bench.Scenarios;
using KhetiSahayak.Cli.Simulation;
using NUnit.Framework;

namespace KhetiSahayak.Cli.Tests.Bench.Scenarios;

[TestFixture]
public sealed class NetworkScenarioTests
{
    [Test]
    public async Task RunAsync_TinySeasonOnGprs_PullsOwnRowsAndAdvisories()
    {
        await using var context = await BenchTestContext.CreateAsync("sqlite");

        var report = await NetworkScenario.RunAsync(context.Settings, NetworkProfile.Gprs, advisories: 2, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Scenario, Is.EqualTo("network"));
            Assert.That(report.Profile, Is.EqualTo("gprs"));
            Assert.That(report.Languages, Has.Count.EqualTo(2));

            // Own rows, plus each advisory and its two translations.
            Assert.That(report.RowsPulled, Is.EqualTo(report.OwnRows + (2 * 3)));
            Assert.That(report.Requests, Is.GreaterThanOrEqualTo(1));
            Assert.That(report.Pages, Is.GreaterThanOrEqualTo(1));
            Assert.That(report.WireBytes, Is.EqualTo(report.WireBytesUp + report.WireBytesDown).And.GreaterThan(0));
            Assert.That(report.SecondsUntilUsable, Is.GreaterThan(0));
            Assert.That(report.LinkModelSeconds, Is.GreaterThan(0));
            Assert.That(report.Checks, Has.Count.EqualTo(2));
        }
    }
}
