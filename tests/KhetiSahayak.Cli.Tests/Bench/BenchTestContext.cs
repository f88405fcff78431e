using KhetiSahayak.Cli.Bench;
using KhetiSahayak.Testing;
using Npgsql;

namespace KhetiSahayak.Cli.Tests.Bench;

/// <summary>
/// Settings for a tiny bench run on "sqlite" or "postgres". For PostgreSQL the test gets its own database (from
/// KHETI_TEST_POSTGRES, as every PostgreSQL test here), and the bench creates and drops its own database next to it.
/// </summary>
internal sealed class BenchTestContext : IAsyncDisposable
{
    private readonly PostgresTestDatabase? _database;

    private BenchTestContext(BenchSettings settings, PostgresTestDatabase? database)
    {
        Settings = settings;
        _database = database;
    }

    public BenchSettings Settings { get; }

    public static async Task<BenchTestContext> CreateAsync(string store)
    {
        var settings = new BenchSettings { ScopesDirectory = RepoPaths.SyncScopes, Seed = 42 };
        if (store != "postgres")
        {
            return new BenchTestContext(settings, null);
        }

        var database = await PostgresTestDatabase.CreateAsync();
        return new BenchTestContext(settings with { Store = BenchStore.Postgres, PostgresConnectionString = database.ConnectionString }, database);
    }

    /// <summary>Bench databases left on the cluster (the bench must drop its own).</summary>
    public async Task<long> BenchDatabasesAsync()
    {
        if (_database is null)
        {
            return 0;
        }

        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_database WHERE datname LIKE 'kheti_bench_%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
