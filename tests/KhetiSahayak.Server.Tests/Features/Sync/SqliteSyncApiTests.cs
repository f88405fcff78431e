using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Sync;

[TestFixture]
public sealed class SqliteSyncApiTests : SyncApiTests
{
    protected override StoreKind Store => StoreKind.Sqlite;
}
