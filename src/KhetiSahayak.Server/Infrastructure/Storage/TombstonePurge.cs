using KhetiSahayak.Sync.Engine;

namespace KhetiSahayak.Server.Infrastructure.Storage;

/// <summary>
/// Removes tombstones and move records older than the retention (Sync:TombstoneRetention, 180 days by default)
/// once an hour. Every node may run it: the purge is one idempotent transaction, and a device whose cursor predates
/// what was purged is told cursor_expired and runs a replacement sync.
/// </summary>
internal sealed partial class TombstonePurge(SyncEngine engine, StoreReadiness readiness, TimeProvider time, ILogger<TombstonePurge> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first purge waits one interval: starting nodes provision first, and purging can wait an hour.
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!readiness.IsReady)
            {
                continue;
            }

            try
            {
                var purged = await engine.PurgeExpiredAsync(stoppingToken);
                LogPurged(logger, purged);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Purged {Count} expired tombstones and move records")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Tombstone purge failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
