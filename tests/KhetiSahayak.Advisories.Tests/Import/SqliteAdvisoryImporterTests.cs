using KhetiSahayak.Sync.Stores;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

/// <summary>The importer suite on the embedded SQLite store.</summary>
[TestFixture]
public sealed class SqliteAdvisoryImporterTests : AdvisoryImporterTests
{
    protected override bool WatermarkMovesOnlyWithWrites => true;

    protected override Task<(IServerStore Store, Func<ValueTask> Destroy)> CreateStoreAsync() => Task.FromResult(TestStores.Sqlite());
}
