using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using KhetiSahayak.Server.Features.Advisories;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Features.Snapshots;

/// <summary>
/// The node's snapshots on local disk, one current file per scope version, district and language, named
/// <c>{scope}.v{version}.{district}.{language}.{unix seconds}.{sha256}.snap</c> so that the file alone says what it
/// is, when it was built and its entity tag (nothing to keep in sync beside it). A node starts with an empty cache:
/// files left by an earlier run may have been read from another database, and their cursors would look valid there.
/// A snapshot older than <see cref="SnapshotOptions.MaxAge"/> is rebuilt by the next request for it; concurrent
/// requests for the same one wait for a single build. Files are written under a temporary name and renamed, and
/// served from an open handle, so a download in progress keeps its bytes when a newer file replaces them.
/// </summary>
internal sealed class SnapshotCache(
    SyncEngine engine,
    AdvisoryReference reference,
    IOptions<SnapshotOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<SnapshotCache> logger) : IDisposable
{
    private const string Extension = ".snap";
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _builds = new(StringComparer.Ordinal);
    private readonly bool _ownDirectory = string.IsNullOrWhiteSpace(options.Value.Directory);
    private readonly Lock _clearing = new();
    private bool _cleared;

    /// <summary>The cache folder: the configured one, or one of this process's own in the temp folder, removed at shutdown.</summary>
    public string Directory { get; } = string.IsNullOrWhiteSpace(options.Value.Directory)
        ? Path.Combine(Path.GetTempPath(), "kheti-snapshots-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        : Path.GetFullPath(options.Value.Directory, environment.ContentRootPath);

    /// <summary>The current snapshot, if one younger than the maximum age is on disk.</summary>
    public SnapshotFile? FindFresh(SnapshotKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ClearOnce();
        var newest = Existing(key).FirstOrDefault();
        return newest is not null && time.GetUtcNow() - newest.CreatedAt < options.Value.MaxAge ? newest : null;
    }

    /// <summary>
    /// The current snapshot, built first if there is none fresh; the build reads the store at one watermark. Requests
    /// for the same snapshot wait for one build without holding a database slot; only the build itself asks
    /// <paramref name="admit"/> for one, and null comes back when it was refused.
    /// </summary>
    public async Task<SnapshotFile?> GetOrBuildAsync(ScopeDefinition scope, SnapshotKey key, Func<RateLimitLease> admit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(admit);
        var gate = _builds.GetOrAdd(key.FileStem, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (FindFresh(key) is { } fresh)
            {
                return fresh;
            }

            using var lease = admit();
            return lease.IsAcquired ? await BuildAsync(scope, key, cancellationToken) : null;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The parameters a snapshot is pulled for: the district and every LGD block of it, every crop (advisories for any
    /// crop of the district), one language, and no farmer, so no farmer's own rows. A device's first pull from the
    /// snapshot cursor reconciles them with its real parameters (rows it lacks enter, rows outside its view leave).
    /// </summary>
    public ScopeParameters ParametersFor(SnapshotKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var blocks = reference.Lgd?.BlocksOfDistrict(key.District) ?? [];
        return new ScopeParameters()
            .Set(ScopeParameter.Districts, new[] { key.District })
            .Set(ScopeParameter.Blocks, blocks.ToArray())
            .Set(ScopeParameter.Crops, reference.Crops.Crops.Select(c => c.Code).Append(ScopeParameterResolver.AllCrops).ToArray())
            .Set(ScopeParameter.Languages, new[] { key.Language });
    }

    private async Task<SnapshotFile> BuildAsync(ScopeDefinition scope, SnapshotKey key, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var started = Stopwatch.GetTimestamp();
        var createdAt = time.GetUtcNow();
        var temp = Path.Combine(Directory, key.FileStem + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            int pages, rows;
            string sha;
            long length;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                (pages, rows) = await SnapshotWriter.WriteAsync(file, engine, scope, key, ParametersFor(key), createdAt, cancellationToken);
                await file.FlushAsync(cancellationToken);
                length = file.Length;
                file.Position = 0;
                sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
            }

            var unix = createdAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var path = Path.Combine(Directory, $"{key.FileStem}.{unix}.{sha}{Extension}");
            File.Move(temp, path, overwrite: true);
            var durationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            SnapshotsLog.Built(logger, key.Scope, key.ScopeVersion, key.District, key.Language, pages, rows, length, durationMs);
            var built = new SnapshotFile(path, sha, DateTimeOffset.FromUnixTimeSeconds(createdAt.ToUnixTimeSeconds()), length);
            foreach (var stale in Existing(key).Where(f => f.Path != path))
            {
                try
                {
                    File.Delete(stale.Path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    SnapshotsLog.StaleFileKept(logger, stale.Path, ex);
                }
            }

            return built;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public void Dispose()
    {
        if (_ownDirectory && System.IO.Directory.Exists(Directory))
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                SnapshotsLog.StaleFileKept(logger, Directory, ex);
            }
        }
    }

    /// <summary>Removes what an earlier run of a node left in the folder, once, before the first use.</summary>
    private void ClearOnce()
    {
        lock (_clearing)
        {
            if (_cleared)
            {
                return;
            }

            _cleared = true;
            if (System.IO.Directory.Exists(Directory))
            {
                DeleteLeftovers();
            }
        }
    }

    private void DeleteLeftovers()
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension).Concat(System.IO.Directory.EnumerateFiles(Directory, "*.tmp")))
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                SnapshotsLog.StaleFileKept(logger, path, ex);
            }
        }
    }

    /// <summary>The snapshot files of a key on disk, newest first.</summary>
    private IEnumerable<SnapshotFile> Existing(SnapshotKey key)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var prefix = key.FileStem + ".";
        var found = new List<SnapshotFile>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, prefix + "*" + Extension))
        {
            // {stem}.{unix}.{sha}.snap: the stem itself holds dots, so read the two fields from the end.
            var name = Path.GetFileName(path);
            var rest = name[prefix.Length..^Extension.Length].Split('.');
            if (rest.Length != 2 || !long.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out var unix) || rest[1].Length != 64)
            {
                continue;
            }

            var info = new FileInfo(path);
            if (info.Exists)
            {
                found.Add(new SnapshotFile(path, rest[1], DateTimeOffset.FromUnixTimeSeconds(unix), info.Length));
            }
        }

        return found.OrderByDescending(f => f.CreatedAt);
    }
}
