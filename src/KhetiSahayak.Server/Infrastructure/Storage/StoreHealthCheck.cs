using KhetiSahayak.Sync.Stores;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KhetiSahayak.Server.Infrastructure.Storage;

/// <summary>Ready when the store is provisioned and answers a watermark query.</summary>
internal sealed class StoreHealthCheck(IServerStore store, StoreReadiness readiness) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.IsReady)
        {
            return HealthCheckResult.Unhealthy("the store is not provisioned yet");
        }

        try
        {
            await store.GetWatermarkAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the store does not answer", ex);
        }
    }
}
