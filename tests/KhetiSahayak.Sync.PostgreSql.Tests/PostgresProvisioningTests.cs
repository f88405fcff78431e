using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Testing;
using Npgsql;
using NUnit.Framework;

namespace KhetiSahayak.Sync.PostgreSql.Tests;

/// <summary>Provisioning PostgreSQL twice leaves tables, columns, indexes and triggers exactly as once, and upgrades older stamping.</summary>
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

    /// <summary>
    /// A database provisioned before the stamp became a column default (trigger on every row, no default) is upgraded
    /// by provisioning again, and whatever SQL writes a row, the row carries the writing transaction's id.
    /// </summary>
    [Test]
    public async Task ProvisionAsync_OverOlderStampTrigger_InstallsDefaultAndGuardAndEveryWriteIsStamped()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var scopes = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes);
        await using (var store = new PostgresServerStore(db.ConnectionString))
        {
            await store.ProvisionAsync(scopes, CancellationToken.None);
        }

        // The earlier provisioning's form.
        await ExecAsync(db.ConnectionString, """
            ALTER TABLE lgd_state ALTER COLUMN _version DROP DEFAULT;
            CREATE OR REPLACE TRIGGER ks_stamp BEFORE INSERT OR UPDATE ON lgd_state FOR EACH ROW EXECUTE FUNCTION ks_stamp();
            """);
        Assert.That(await ScalarAsync(db.ConnectionString, "SELECT column_default FROM information_schema.columns WHERE table_name = 'lgd_state' AND column_name = '_version'"), Is.Null);

        await using (var store = new PostgresServerStore(db.ConnectionString))
        {
            await store.ProvisionAsync(scopes, CancellationToken.None);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync(db.ConnectionString, "SELECT column_default FROM information_schema.columns WHERE table_name = 'lgd_state' AND column_name = '_version'"), Is.EqualTo("pg_current_xact_id()"));
            Assert.That(await ScalarAsync(db.ConnectionString, "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'ks_stamp' AND tgrelid = 'lgd_state'::regclass"),
                Does.Contain("WHEN ((new._version IS DISTINCT FROM pg_current_xact_id()))"));
        });

        // Each write in its own transaction; each returns the row's stamp and the transaction's id.
        const string Key = "00000000-0000-7000-8000-00000000e001";
        string[] writes =
        [
            $"INSERT INTO lgd_state (state_id, lgd_state_code, lgd_version, name) VALUES ('{Key}', 1, 1, 'a') RETURNING _version::text, pg_current_xact_id()::text",
            $"UPDATE lgd_state SET name = 'b' WHERE state_id = '{Key}' RETURNING _version::text, pg_current_xact_id()::text",
            $"UPDATE lgd_state SET name = 'c', _version = '3'::xid8 WHERE state_id = '{Key}' RETURNING _version::text, pg_current_xact_id()::text",
            $"INSERT INTO lgd_state (state_id, lgd_state_code, lgd_version, name, _version) VALUES ('{Key}', 1, 1, 'd', '5'::xid8) ON CONFLICT (state_id) DO UPDATE SET name = excluded.name RETURNING _version::text, pg_current_xact_id()::text",
            "INSERT INTO lgd_state (state_id, lgd_state_code, lgd_version, name, _version) VALUES ('00000000-0000-7000-8000-00000000e002', 2, 1, 'e', '7'::xid8) RETURNING _version::text, pg_current_xact_id()::text",
            "INSERT INTO lgd_state (state_id, lgd_state_code, lgd_version, name, _version) VALUES ('00000000-0000-7000-8000-00000000e003', 3, 1, 'f', NULL) RETURNING _version::text, pg_current_xact_id()::text",
        ];
        var stamps = new List<string>();
        foreach (var sql in writes)
        {
            await using var conn = new NpgsqlConnection(db.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, conn);
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.That(await r.ReadAsync(), Is.True, sql);
            Assert.That(r.GetString(0), Is.EqualTo(r.GetString(1)), sql);
            stamps.Add(r.GetString(0));
        }

        Assert.That(stamps, Is.Unique);
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        var value = await cmd.ExecuteScalarAsync();
        return value is DBNull ? null : value;
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
