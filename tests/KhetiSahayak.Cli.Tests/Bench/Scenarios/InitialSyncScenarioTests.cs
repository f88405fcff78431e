using KhetiSahayak.Cli.Bench.Scenarios;
using NUnit.Framework;

namespace KhetiSahayak.Cli.Tests.Bench.Scenarios;

[TestFixture]
public sealed class InitialSyncScenarioTests
{
    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task RunAsync_TinyRun_PullsEveryRowAndReportsSaneFigures(string store)
    {
        await using var context = await BenchTestContext.CreateAsync(store);
        var leftBefore = await context.BenchDatabasesAsync();

        var report = await InitialSyncScenario.RunAsync(context.Settings, rows: 301, breakdown: true, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Scenario, Is.EqualTo("initial-sync"));
            Assert.That(report.Store, Is.EqualTo(store));
            Assert.That(report.Rows, Is.EqualTo(301));
            Assert.That(report.RowsPulled, Is.GreaterThanOrEqualTo(301));
            Assert.That(report.Pages, Is.GreaterThanOrEqualTo(1));
            Assert.That(report.Requests, Is.GreaterThanOrEqualTo(report.Pages));
            Assert.That(report.WireBytesUp, Is.GreaterThan(0));
            Assert.That(report.WireBytesDown, Is.GreaterThan(0));
            Assert.That(report.WireBytes, Is.EqualTo(report.WireBytesUp + report.WireBytesDown));
            Assert.That(report.BytesPerRow, Is.GreaterThan(0));
            Assert.That(report.Seconds, Is.GreaterThan(0));
            Assert.That(report.RowsPerSecond, Is.GreaterThan(0));
            Assert.That(report.Memory.AllocatedBytes, Is.GreaterThan(0));
            Assert.That(report.Memory.PeakRssBytes, Is.GreaterThan(0));
            Assert.That(report.RawInsert.Rows, Is.EqualTo(301));
            Assert.That(report.RawInsert.RowsPerSecond, Is.GreaterThan(0));
            Assert.That(report.BareBrotli.JsonBytes, Is.GreaterThan(report.BareBrotli.BrotliBytes));
            Assert.That(report.BareBrotli.BrotliBytes, Is.GreaterThan(0));
            Assert.That(report.BareBrotli.Quality, Is.EqualTo(KhetiSahayak.Server.Features.Sync.SyncHostOptions.DefaultBrotliQuality), "bare values at the server's quality");
            Assert.That(report.BareBrotli.BrotliBytesAtQuality4, Is.GreaterThan(0).And.LessThan(report.BareBrotli.JsonBytes));
            Assert.That(report.WireRatioAtQuality4, Is.GreaterThan(0));
            Assert.That(report.InsertRateRatio, Is.GreaterThan(0));
            Assert.That(report.WireRatio, Is.GreaterThan(0));
            Assert.That(report.Checks, Has.Count.EqualTo(2));
            Assert.That(report.Breakdown, Is.Not.Null);
            Assert.That(report.Breakdown!.ResponseBodyBytes, Is.GreaterThan(0).And.LessThan(report.WireBytesDown));
            Assert.That(report.Breakdown.PageJsonBytes, Is.GreaterThan(report.Breakdown.ResponseBodyBytes));
            Assert.That(report.Breakdown.AverageRowsPerPage, Is.GreaterThan(0));
        }

        Assert.That(await context.BenchDatabasesAsync(), Is.EqualTo(leftBefore), "the bench drops its own database");
    }

    [Test]
    public async Task RunAsync_SameSeed_SameBytes()
    {
        await using var context = await BenchTestContext.CreateAsync("sqlite");

        var first = await InitialSyncScenario.RunAsync(context.Settings, rows: 50, breakdown: false, CancellationToken.None);
        var second = await InitialSyncScenario.RunAsync(context.Settings, rows: 50, breakdown: false, CancellationToken.None);

        Assert.That(second.BareBrotli, Is.EqualTo(first.BareBrotli));
    }
}
