using System.Text;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Sync.Stores;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

/// <summary>The importer suite on PostgreSQL, each test in its own database.</summary>
[TestFixture]
public sealed class PostgresAdvisoryImporterTests : AdvisoryImporterTests
{
    protected override bool WatermarkMovesOnlyWithWrites => false;

    protected override Task<(IServerStore Store, Func<ValueTask> Destroy)> CreateStoreAsync() => TestStores.PostgresAsync();

    [Test]
    public async Task ImportAsync_ConcurrentWriterInsertsAnAdvisoryAfterTheLockedRead_TheBatchLandsWholeAndTheLaterCommitWins()
    {
        Guid contested = Guid.CreateVersion7(), other = Guid.CreateVersion7();

        // Between this import's locked read (which finds neither advisory, so there is nothing to lock) and its bulk
        // write, another import commits the contested advisory with other text: every key this batch claims new is
        // then stored, and its COPY of new keys meets them.
        var interleaving = new InterleavingStore(H.Store, () => ImportAsync(new CsvText().Advisory(contested, ("title", "their title")).ToString(), AdvisoryInputFormat.Csv));
        var importer = await ImporterAsync(null, interleaving);
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(new CsvText().Advisory(contested).Advisory(other).ToString()));

        var summary = await importer.ImportAsync(input, AdvisoryInputFormat.Csv, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(interleaving.Ran, Is.True);
            Assert.That(summary.Errors, Is.Zero, AdvisoryImportReport.ToText(summary));
            Assert.That(summary.TranslationsWritten, Is.EqualTo(4));
        });
        Assert.That((await AdvisoriesAsync()).Select(r => Value("advisory", r, "advisory_id")), Is.EquivalentTo(new object[] { contested, other }));
        var titles = (await TranslationsAsync(contested)).Select(t => (string?)Value("advisory_translation", t, "title")).ToList();
        Assert.That(titles, Has.Count.EqualTo(2));
        Assert.That(titles, Has.None.EqualTo("their title"), "this import committed last");
        Assert.That(await TranslationsAsync(other), Has.Count.EqualTo(2));
    }
}
