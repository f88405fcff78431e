using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Sync.Sqlite;
using KhetiSahayak.Sync.Stores;
using KhetiSahayak.Testing;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>Fresh, empty server stores for one test, and how to get rid of them.</summary>
internal static class TestStores
{
    public static (IServerStore Store, Func<ValueTask> Destroy) Sqlite()
    {
        var path = Path.Combine(Path.GetTempPath(), "ks-adv-" + Guid.NewGuid().ToString("N") + ".db");
        return (new SqliteServerStore(path), () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            return ValueTask.CompletedTask;
        });
    }

    public static async Task<(IServerStore Store, Func<ValueTask> Destroy)> PostgresAsync()
    {
        var db = await PostgresTestDatabase.CreateAsync();
        var store = new PostgresServerStore(db.ConnectionString);
        return (store, async () =>
        {
            await store.DisposeAsync();
            await db.DisposeAsync();
        });
    }
}
