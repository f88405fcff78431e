using KhetiSahayak.Sync.Stores;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Expiry;

/// <summary>The expiry suite on PostgreSQL, each test in its own database.</summary>
[TestFixture]
public sealed class PostgresAdvisoryExpiryTests : AdvisoryExpiryTests
{
    protected override bool WatermarkMovesOnlyWithWrites => false;

    protected override Task<(IServerStore Store, Func<ValueTask> Destroy)> CreateStoreAsync() => TestStores.PostgresAsync();
}
