using KhetiSahayak.Sync.Sqlite;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Sqlite.Tests;

/// <summary>The shared store conformance suite on the embedded SQLite store.</summary>
[TestFixture]
public sealed class SqliteServerStoreTests : ServerStoreConformanceTests
{
    protected override Task<IServerStore> CreateStoreAsync() =>
        Task.FromResult<IServerStore>(new SqliteServerStore(Path.Combine(Path.GetTempPath(), "ks-server-" + Guid.NewGuid().ToString("N") + ".db")));
}
