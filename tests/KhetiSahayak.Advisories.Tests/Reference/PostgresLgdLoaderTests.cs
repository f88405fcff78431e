using KhetiSahayak.Sync.Stores;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Reference;

/// <summary>The LGD loader suite on PostgreSQL, each test in its own database.</summary>
[TestFixture]
public sealed class PostgresLgdLoaderTests : LgdLoaderTests
{
    protected override bool WatermarkMovesOnlyWithWrites => false;

    protected override Task<(IServerStore Store, Func<ValueTask> Destroy)> CreateStoreAsync() => TestStores.PostgresAsync();
}
