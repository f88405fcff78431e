using KhetiSahayak.Sync.Sqlite.Device;

namespace KhetiSahayak.Sync.Client;

/// <summary>
/// The opt-in first-install path of the device SDK: on an empty device, download the snapshot of the farmer's district
/// and language (resumable), apply it in one transaction with its cursor, then let <see cref="DeviceSynchronizer"/> run
/// as usual: it pushes pending local changes and pulls from the snapshot's cursor, which brings the device to exactly
/// what a full first sync gives. On a device that is not empty it does nothing and the ordinary first sync runs.
/// </summary>
public sealed class SnapshotInstaller(DeviceStore store, SnapshotDownloader downloader)
{
    /// <summary>
    /// Installs the snapshot when the device is empty. Download and apply failures propagate; the device is then as
    /// before (the partial download is kept for the next attempt), and an ordinary sync is always a correct fallback.
    /// </summary>
    /// <param name="workDirectory">Where the download is kept while in progress (app-private storage).</param>
    public async Task<SnapshotInstallResult> InstallAsync(long district, string language, string workDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workDirectory);
        if (!await store.CanInstallSnapshotAsync(cancellationToken))
        {
            return new SnapshotInstallResult(false, 0, 0, 0);
        }

        Directory.CreateDirectory(workDirectory);
        var scope = store.Scope;
        var path = Path.Combine(workDirectory, $"{scope.Name}.v{scope.Version}.{district}.{language}.snapshot");
        var download = await downloader.DownloadAsync(scope.Name, scope.Version, district, language, path, cancellationToken);
        try
        {
            var (upserts, _) = await store.ApplySnapshotAsync(SnapshotReader.ReadPagesAsync(download.Path, scope, cancellationToken), cancellationToken);
            return new SnapshotInstallResult(true, upserts, download.Length, download.BytesTransferred);
        }
        finally
        {
            File.Delete(download.Path);
        }
    }
}
