using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Sqlite.Tests.Device;

/// <summary>Device-store tests: a folder of their own for the replica files, and the farmer scope.</summary>
public abstract class DeviceStoreFixture
{
    private string _dir = string.Empty;

    protected ScopeDefinition Scope { get; private set; } = null!;

    [SetUp]
    public void CreateFolder()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ks-device-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        Scope = ScopeLoader.LoadDirectory(RepoPaths.SyncScopes).Find("farmer", 1)!;
    }

    [TearDown]
    public void DeleteFolder()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Opens (creating on first use) the replica file <paramref name="name"/> in the test's folder.</summary>
    protected Task<DeviceStore> OpenAsync(string name = "device.db") => DeviceStore.OpenAsync(Path.Combine(_dir, name), Scope, CancellationToken.None);
}
