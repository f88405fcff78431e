using KhetiSahayak.Sync.Stores;
using NUnit.Framework;

namespace KhetiSahayak.Advisories.Tests.Reference;

/// <summary>The LGD loader suite on the embedded SQLite store.</summary>
[TestFixture]
public sealed class SqliteLgdLoaderTests : LgdLoaderTests
{
    protected override bool WatermarkMovesOnlyWithWrites => true;

    protected override Task<(IServerStore Store, Func<ValueTask> Destroy)> CreateStoreAsync() => Task.FromResult(TestStores.Sqlite());
}
