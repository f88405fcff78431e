using NUnit.Framework;

namespace KhetiSahayak.Server.Tests.Features.Sync;

[TestFixture]
public sealed class PostgresSyncApiTests : SyncApiTests
{
    protected override StoreKind Store => StoreKind.Postgres;
}
