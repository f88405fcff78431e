using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Snapshots;

[TestFixture]
public sealed class SqliteSnapshotsApiTests : SnapshotsApiTests
{
    protected override StoreKind Store => StoreKind.Sqlite;
}
