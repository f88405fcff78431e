using KhetiSahayak.Sync.Stores;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Expiry;

/// <summary>The expiry suite on the embedded SQLite store.</summary>
[TestFixture]
public sealed class SqliteAdvisoryExpiryTests : AdvisoryExpiryTests
{
    protected override bool WatermarkMovesOnlyWithWrites => true;

    protected override Task<(IServerStore Store, Func<ValueTask> Destroy)> CreateStoreAsync() => Task.FromResult(TestStores.Sqlite());
}
