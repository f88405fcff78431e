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
        Guid contested = Guid.CreateVersion7(), other = Guid.CreateVersion7(), stored = Guid.CreateVersion7();
        await ImportAsync(new CsvText().Advisory(stored).ToString(), AdvisoryInputFormat.Csv);

        // The batch updates a stored advisory, so it takes the locked path. Between its locked read (which finds
        // neither new advisory, so there is nothing to lock for them) and its bulk write, another import commits the
        // contested advisory with other text: every key this batch claims new is then stored, and its COPY of new keys
        // meets them.
        var interleaving = new InterleavingStore(H.Store, InterleavingStore.Point.AfterLockedRead,
            () => ImportAsync(new CsvText().Advisory(contested, ("title", "their title")).ToString(), AdvisoryInputFormat.Csv));
        var importer = await ImporterAsync(null, interleaving);
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(new CsvText().Advisory(contested).Advisory(other).Advisory(stored, ("version", "2"), ("title", "second version")).ToString()));

        var summary = await importer.ImportAsync(input, AdvisoryInputFormat.Csv, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(interleaving.Ran, Is.True);
            Assert.That(summary.Errors, Is.Zero, AdvisoryImportReport.ToText(summary));
            Assert.That(summary.TranslationsWritten, Is.EqualTo(6));
        });
        Assert.That((await AdvisoriesAsync()).Select(r => Value("advisory", r, "advisory_id")), Is.EquivalentTo(new object[] { contested, other, stored }));
        var titles = (await TranslationsAsync(contested)).Select(t => (string?)Value("advisory_translation", t, "title")).ToList();
        Assert.That(titles, Has.Count.EqualTo(2));
        Assert.That(titles, Has.None.EqualTo("their title"), "this import committed last");
        Assert.That(await TranslationsAsync(other), Has.Count.EqualTo(2));
        Assert.That((await TranslationsAsync(stored)).Select(t => Value("advisory_translation", t, "title")), Is.All.EqualTo("second version"));
    }

    [Test]
    public async Task ImportAsync_ConcurrentWriterInsertsAnAdvisoryAfterThePlanningRead_TheBatchIsReplannedAndTheSameVersionIsAConflict()
    {
        Guid contested = Guid.CreateVersion7(), other = Guid.CreateVersion7();

        // The batch's planning read finds neither advisory, so it goes in as new rows without a locked read. Just before
        // that insert, another import commits the contested advisory, same version, other text. The insert meets the
        // stored key and writes nothing; the batch then locks, finds the contested advisory stored, and plans it again.
        var interleaving = new InterleavingStore(H.Store, InterleavingStore.Point.BeforeInsertAllNew,
            () => ImportAsync(new CsvText().Advisory(contested, ("title", "their title")).ToString(), AdvisoryInputFormat.Csv));
        var importer = await ImporterAsync(null, interleaving);
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(new CsvText().Advisory(contested).Advisory(other).ToString()));

        var summary = await importer.ImportAsync(input, AdvisoryInputFormat.Csv, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(interleaving.Ran, Is.True);
            Assert.That(summary.Issues.Select(i => (i.Code, i.AdvisoryId)), Is.EqualTo(new[] { (AdvisoryImportReasons.VersionConflict, (string?)contested.ToString()) }), AdvisoryImportReport.ToText(summary));
            Assert.That(summary.Inserted, Is.EqualTo(1));
            Assert.That(summary.TranslationsWritten, Is.EqualTo(2));
        });
        Assert.That((await AdvisoriesAsync()).Select(r => Value("advisory", r, "advisory_id")), Is.EquivalentTo(new object[] { contested, other }));
        Assert.That((await TranslationsAsync(contested)).Select(t => Value("advisory_translation", t, "title")), Has.Some.EqualTo("their title"), "the other import's version stands");
        Assert.That(await TranslationsAsync(other), Has.Count.EqualTo(2));
    }
}
