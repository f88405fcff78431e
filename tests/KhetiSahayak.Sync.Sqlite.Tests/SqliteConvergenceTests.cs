using KhetiSahayak.Sync.Sqlite;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Sqlite.Tests;

/// <summary>The randomized convergence run on the embedded SQLite store.</summary>
[TestFixture]
public sealed class SqliteConvergenceTests : ConvergenceTests
{
    protected override Task<IServerStore> CreateStoreAsync() =>
        Task.FromResult<IServerStore>(new SqliteServerStore(Path.Combine(Path.GetTempPath(), "ks-conv-" + Guid.NewGuid().ToString("N") + ".db")));
}
