using KhetiSahayak.Testing;
using Npgsql;
using NUnit.Framework;

namespace KhetiSahayak.Sync.PostgreSql.Tests;


[TestFixture]
public sealed class PostgresTestDatabaseTests
{
    [Test]
    public async Task CreateAsync_FreshDatabase_AcceptsQueries()
    {
        var database = await PostgresTestDatabase.CreateAsync();
        try
        {
            Assert.That(database.DatabaseName, Does.StartWith("ks_test_"));

            await using (var connection = new NpgsqlConnection(database.ConnectionString))
            {
                await connection.OpenAsync();

                await using (var select = new NpgsqlCommand("select 1", connection))
                {
                    Assert.That(await select.ExecuteScalarAsync(), Is.EqualTo(1));
                }

                await using (var current = new NpgsqlCommand("select current_database()", connection))
                {
                    Assert.That(await current.ExecuteScalarAsync(), Is.EqualTo(database.DatabaseName));
                }

                await using (var create = new NpgsqlCommand(
                    "CREATE TABLE crop (id int PRIMARY KEY, name text NOT NULL); " +
                    "INSERT INTO crop VALUES (1, 'wheat'), (2, 'rice');",
                    connection))
                {
                    Assert.That(await create.ExecuteNonQueryAsync(), Is.EqualTo(2));
                }

                await using (var count = new NpgsqlCommand("select count(*) from crop", connection))
                {
                    Assert.That(await count.ExecuteScalarAsync(), Is.EqualTo(2L));
                }
            }
        }
        finally
        {
            await database.DisposeAsync();
        }

        await using var admin = new NpgsqlConnection(PostgresTestDatabase.AdminConnectionString);
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand("select count(*) from pg_database where datname = @name", admin);
        exists.Parameters.AddWithValue("name", database.DatabaseName);
        Assert.That(await exists.ExecuteScalarAsync(), Is.EqualTo(0L), "database should be dropped on dispose");
    }
}
