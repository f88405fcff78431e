using KhetiSahayak.Cli.Bench.Scenarios;
using NUnit.Framework;

namespace KhetiSahayak.Cli.Tests.Bench.Scenarios;

[TestFixture]
public sealed class BulkLoadScenarioTests
{
    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task RunAsync_TinyLoad_EveryPathLoadsEveryRow(string store)
    {
        await using var context = await BenchTestContext.CreateAsync(store);

        var report = await BulkLoadScenario.RunAsync(context.Settings, rows: 258, lgdDirectory: null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Scenario, Is.EqualTo("bulk-load"));
            Assert.That(report.Rows, Is.EqualTo(258));
            Assert.That(report.Raw.Rows, Is.EqualTo(258));
            Assert.That(report.RawIntoSyncedTable.Rows, Is.EqualTo(258));
            Assert.That(report.WriteSession.Rows, Is.EqualTo(258));
            Assert.That(report.Raw.RowsPerSecond, Is.GreaterThan(0));
            Assert.That(report.RawIntoSyncedTable.RowsPerSecond, Is.GreaterThan(0));
            Assert.That(report.WriteSession.RowsPerSecond, Is.GreaterThan(0));
            Assert.That(report.WriteSessionRatio, Is.GreaterThan(0));
            Assert.That(report.ImporterRate, Is.Not.Null, report.Importer);
            Assert.That(report.ImporterRate?.Rows, Is.EqualTo(258), report.Importer);
            Assert.That(report.Importer, Does.StartWith("measured: 129 advisories inserted, 258 translations written, 0 rejected"));

            // The importer's 387 rows (129 advisories, 258 translations) went through every raw path, and the raw
            // figure is the fastest of the plain-table loads.
            string[] paths = store == "postgres" ? ["npgsql_importer", "store_encoder", "synced_tables"] : ["prepared_insert"];
            Assert.That(report.RawSameRowsByPath?.Keys, Is.EquivalentTo(paths));
            Assert.That(report.RawSameRowsByPath?.Values.Select(f => f.Rows), Is.All.EqualTo(387));
            Assert.That(report.RawSameRows?.Seconds, Is.EqualTo(report.RawSameRowsByPath?.Where(p => p.Key != "synced_tables").Min(p => p.Value.Seconds)));
            Assert.That(report.ImporterSyncedTablesRatio, store == "postgres" ? Is.GreaterThan(0) : Is.Null);
            Assert.That(report.ImporterGc?.Keys, Is.EquivalentTo(new[] { "dry_run", "import" }));
            Assert.That(report.ImporterGc?["import"].AllocatedMb, Is.GreaterThan(0));

            // Three rounds, each an import into emptied tables (each inserted all 129 advisories, or the status above
            // would count them unchanged) and the raw load of its rows; the round with the median ratio is reported.
            Assert.That(report.ImporterRounds, Has.Count.EqualTo(3));
            var counted = report.ImporterRounds!.Single(r => r.Counted);
            Assert.That(counted.Ratio, Is.EqualTo(report.ImporterRounds!.Select(r => r.Ratio).Order().ElementAt(1)));
            Assert.That(report.ImporterAllRows?.Seconds, Is.EqualTo(counted.ImporterSeconds));
            Assert.That(report.RawSameRows?.Seconds, Is.EqualTo(counted.RawSeconds));
            Assert.That(report.ImporterCpuPercent?.Keys, Is.EquivalentTo(new[] { "dry_run", "import" }));
            Assert.That(report.ImporterCpuPercent?["import"].Process, Is.GreaterThan(0));
            Assert.That(report.ImporterCpuPercent?["import"].Postgres, store == "postgres" ? Is.Not.Null : Is.Null); // clock ticks: a tiny load may take less than one
        }
    }
}
