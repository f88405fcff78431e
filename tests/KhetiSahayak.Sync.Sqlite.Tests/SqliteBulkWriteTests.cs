using KhetiSahayak.Sync.Sqlite;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Sqlite.Tests;

/// <summary>The bulk write suite on the embedded SQLite store (one prepared upsert reused in the session's transaction).</summary>
[TestFixture]
public sealed class SqliteBulkWriteTests : BulkWriteConformanceTests
{
    protected override Task<IServerStore> CreateStoreAsync() =>
        Task.FromResult<IServerStore>(new SqliteServerStore(Path.Combine(Path.GetTempPath(), "ks-server-" + Guid.NewGuid().ToString("N") + ".db")));
}
