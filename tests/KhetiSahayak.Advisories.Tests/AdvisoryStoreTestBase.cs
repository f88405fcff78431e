using System.Text;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>
/// A sync harness over a fresh store per test, with the importer's own clock. Suites that touch the store derive from
/// this and are subclassed once per store (SQLite, PostgreSQL), so both run the same tests.
/// </summary>
public abstract class AdvisoryStoreTestBase
{
    private SyncHarness? _harness;
    private Func<ValueTask>? _destroy;

    protected SyncHarness H => _harness ?? throw new InvalidOperationException("no harness");

    /// <summary>The importer's and expiry's clock: mid-June 2025, when the sample advisories are current.</summary>
    protected ManualTimeProvider Clock { get; private set; } = null!;

    /// <summary>A store, and how to destroy it after the test.</summary>
    protected abstract Task<(IServerStore Store, Func<ValueTask> Destroy)> CreateStoreAsync();

    /// <summary>
    /// Whether the store's watermark stays put when nothing is written. SQLite's is a counter only writes bump;
    /// PostgreSQL's is a snapshot of the whole cluster, which other databases' transactions move.
    /// </summary>
    protected abstract bool WatermarkMovesOnlyWithWrites { get; }

    [SetUp]
    public async Task SetUpStore()
    {
        var (store, destroy) = await CreateStoreAsync();
        _destroy = destroy;
        _harness = await SyncHarness.CreateAsync(store);
        Clock = new ManualTimeProvider(TestData.Ist(2025, 6, 15, 12));
    }

    [TearDown]
    public async Task TearDownStore()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        if (_destroy is not null)
        {
            await _destroy();
        }
    }

    internal async Task<AdvisoryImporter> ImporterAsync(AdvisoryImportOptions? options = null, IServerStore? store = null) =>
        new(store ?? H.Store, H.Catalog, await TestData.LgdAsync(), TestData.Crops, Clock, options);

    internal async Task<AdvisoryImportSummary> ImportAsync(string text, AdvisoryInputFormat format, AdvisoryImportOptions? options = null, IProgress<AdvisoryImportProgress>? progress = null)
    {
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var summary = await (await ImporterAsync(options)).ImportAsync(input, format, progress, CancellationToken.None);
        TestContext.Out.WriteLine(AdvisoryImportReport.ToText(summary));
        return summary;
    }

    internal async Task<AdvisoryImportSummary> ImportSampleAsync()
    {
        await using var input = File.OpenRead(TestData.SampleAdvisoriesPath);
        var summary = await (await ImporterAsync()).ImportAsync(input, AdvisoryInputFormat.Json, null, CancellationToken.None);
        TestContext.Out.WriteLine(AdvisoryImportReport.ToText(summary));
        return summary;
    }

    internal Task<IReadOnlyList<StoredRow>> AdvisoriesAsync() => H.Store.ReadRowsAsync(H.Catalog["advisory"], null, null, CancellationToken.None);

    internal Task<IReadOnlyList<StoredRow>> TranslationsAsync(Guid? advisoryId = null) =>
        H.Store.ReadRowsAsync(H.Catalog["advisory_translation"], advisoryId is null ? null : "advisory_id", advisoryId, CancellationToken.None);

    internal object? Value(string table, StoredRow row, string column) => row.Values[H.Catalog[table].Ordinal(column)];

    internal object? Value(string table, object?[] row, string column) => row[H.Catalog[table].Ordinal(column)];
}
