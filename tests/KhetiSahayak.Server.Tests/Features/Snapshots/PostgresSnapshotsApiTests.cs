using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Snapshots;

[TestFixture]
public sealed class PostgresSnapshotsApiTests : SnapshotsApiTests
{
    protected override StoreKind Store => StoreKind.Postgres;
}
