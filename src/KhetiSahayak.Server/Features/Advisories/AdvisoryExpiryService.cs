using KhetiSahayak.Advisories.Expiry;
using KhetiSahayak.Server.Infrastructure.Storage;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Features.Advisories;

/// <summary>
/// Runs <see cref="AdvisoryExpiry"/> every <see cref="AdvisoriesOptions.ExpiryInterval"/> (an hour), so devices drop
/// advisories past their <c>valid_to</c>. Every node may run it: each advisory is re-checked under its row lock and a
/// second run changes nothing. The first run waits one interval, so a node's start does not rewrite rows under a sync.
/// </summary>
internal sealed class AdvisoryExpiryService(
    IServerStore store, ScopeSet scopes, StoreReadiness readiness, TimeProvider time, IOptions<AdvisoriesOptions> options, ILogger<AdvisoryExpiryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var expiry = new AdvisoryExpiry(store, scopes.Catalog, time);
        using var timer = new PeriodicTimer(options.Value.ExpiryInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!readiness.IsReady)
            {
                continue;
            }

            try
            {
                var result = await expiry.ExpireAsync(options.Value.ExpiryBatchSize, stoppingToken);
                if (result.Advisories > 0)
                {
                    AdvisoriesLog.Expired(logger, result.Advisories, result.Translations);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                AdvisoriesLog.ExpiryFailed(logger, ex);
            }
        }
    }
}
