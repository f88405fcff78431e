using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Testing;
using Npgsql;
using NUnit.Framework;

namespace KhetiSahayak.Sync.PostgreSql.Tests;

/// <summary>Provisioning PostgreSQL twice leaves tables, columns, indexes and triggers exactly as once.</summary>
[TestFixture]
public sealed class PostgresProvisioningTests
{
    [Test]
    public async Task ProvisionAsync_RunTwice_SchemaUnchanged()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var scopes = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes);
        await using (var store = new PostgresServerStore(db.ConnectionString))
        {
            await store.ProvisionAsync(scopes, CancellationToken.None);
        }

        var once = await SchemaAsync(db.ConnectionString);
        await using (var store = new PostgresServerStore(db.ConnectionString))
        {
            await store.ProvisionAsync(scopes, CancellationToken.None);
        }

        var twice = await SchemaAsync(db.ConnectionString);
        Assert.That(twice, Is.EqualTo(once));
        Assert.That(once, Has.Some.Contains("ks_stamp"));
    }

    private static async Task<List<string>> SchemaAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL SELECT 'trigger ' || tgname || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
            ORDER BY 1
            """, conn);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add(r.GetString(0));
        }

        return list;
    }
}
