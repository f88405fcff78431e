using KhetiSahayak.Server.Infrastructure.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace KhetiSahayak.Server.Infrastructure.Health;

internal static class HealthEndpoints
{
    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the store is provisioned and reachable.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(StoreHealthCheck.ReadyTag) });
        return app;
    }
}
