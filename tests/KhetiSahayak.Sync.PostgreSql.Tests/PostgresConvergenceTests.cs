using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Sync.PostgreSql.Tests;

/// <summary>The randomized convergence run on PostgreSQL.</summary>
[TestFixture]
public sealed class PostgresConvergenceTests : ConvergenceTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<IServerStore> CreateStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return new PostgresServerStore(_database.ConnectionString);
    }

    protected override async Task DestroyStoreAsync(IServerStore store)
    {
        await ((PostgresServerStore)store).DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
