using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Testing;
using Microsoft.Data.Sqlite;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Sqlite.Tests;

/// <summary>Provisioning the embedded store twice leaves the schema exactly as once.</summary>
[TestFixture]
public sealed class SqliteProvisioningTests
{
    [Test]
    public async Task ProvisionAsync_RunTwice_SchemaUnchanged()
    {
        var path = Path.Combine(Path.GetTempPath(), "ks-prov-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            var scopes = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes);
            var store = new SqliteServerStore(path);
            await store.ProvisionAsync(scopes, CancellationToken.None);
            var once = await SchemaAsync(path);
            await new SqliteServerStore(path).ProvisionAsync(scopes, CancellationToken.None);
            var twice = await SchemaAsync(path);

            Assert.That(twice, Is.EqualTo(once));
            Assert.That(once, Has.Some.Contains("farm_plot__moves"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static async Task<List<string>> SchemaAsync(string path)
    {
        await using var conn = new SqliteConnection("Data Source=" + path);
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name";
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add(r.GetString(0));
        }

        return list;
    }
}
