using KhetiSahayak.Sync.Stores;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Import;

/// <summary>The importer suite on PostgreSQL, each test in its own database.</summary>
[TestFixture]
public sealed class PostgresAdvisoryImporterTests : AdvisoryImporterTests
{
    protected override bool WatermarkMovesOnlyWithWrites => false;

    protected override Task<(IServerStore Store, Func<ValueTask> Destroy)> CreateStoreAsync() => TestStores.PostgresAsync();
}
