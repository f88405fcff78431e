using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Sync.PostgreSql.Tests;

/// <summary>The bulk write suite on PostgreSQL (binary COPY into a staging table, one set-based upsert), each test in its own database.</summary>
[TestFixture]
public sealed class PostgresBulkWriteTests : BulkWriteConformanceTests
{
    private readonly Dictionary<IServerStore, PostgresTestDatabase> _databases = [];

    protected override async Task<IServerStore> CreateStoreAsync()
    {
        var db = await PostgresTestDatabase.CreateAsync();
        var store = new PostgresServerStore(db.ConnectionString);
        _databases[store] = db;
        return store;
    }

    protected override async Task DestroyStoreAsync(IServerStore store)
    {
        await ((PostgresServerStore)store).DisposeAsync();
        await _databases[store].DisposeAsync();
        _databases.Remove(store);
    }
}
