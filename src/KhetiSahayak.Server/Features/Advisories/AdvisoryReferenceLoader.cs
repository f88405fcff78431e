using KhetiSahayak.Advisories.Reference;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Features.Advisories;

/// <summary>
/// Loads the LGD directory before the server listens. A missing or broken folder does not stop the server (sync does
/// not need it): it is logged, and imports answer 503 <c>reference_data_missing</c> until it is fixed and the node restarted.
/// </summary>
internal sealed class AdvisoryReferenceLoader(
    AdvisoryReference reference, IOptions<AdvisoriesOptions> options, IHostEnvironment environment, ILogger<AdvisoryReferenceLoader> logger) : IHostedLifecycleService
{
    public const string LgdStatesFile = "states.csv";

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var folder = FindLgdFolder(options.Value.LgdPath, environment.ContentRootPath);
        if (folder is null)
        {
            AdvisoriesLog.LgdMissing(logger, options.Value.LgdPath ?? "shared/data/lgd above " + environment.ContentRootPath);
            return;
        }

        try
        {
            var lgd = await LgdDirectory.LoadAsync(folder, cancellationToken);
            reference.SetLgd(lgd);
            AdvisoriesLog.LgdLoaded(logger, folder, lgd.StateCount, lgd.DistrictCount, lgd.BlockCount);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            AdvisoriesLog.LgdUnreadable(logger, folder, ex);
        }
    }

    /// <summary>The configured folder (relative to the content root), or the nearest <c>shared/data/lgd</c> above the content root; null if none has the dumps.</summary>
    public static string? FindLgdFolder(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.GetFullPath(configured, contentRoot);
            return File.Exists(Path.Combine(path, LgdStatesFile)) ? path : null;
        }

        // Checking dir/shared/data/lgd at every level also finds ../shared/data/lgd beside the repository.
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "lgd");
            if (File.Exists(Path.Combine(candidate, LgdStatesFile)))
            {
                return candidate;
            }
        }

        return null;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
