using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace KhetiSahayak.Server.Infrastructure;

/// <summary>Says where the server listens and, in Development, how to get a token.</summary>
internal sealed partial class StartupBanner(IServer server, IHostEnvironment environment, ILogger<StartupBanner> logger) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            var environmentName = environment.EnvironmentName;
            LogListening(logger, address, environmentName);
        }

        if (environment.IsDevelopment() && addresses.FirstOrDefault() is { } first)
        {
            var command = $"curl -s -X POST {first}/dev/token -H 'Content-Type: application/json' -d '{{\"role\":\"farmer\"}}'";
            LogTokenHint(logger, command);
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Kheti Sahayak server listening on {Address} ({Environment})")]
    private static partial void LogListening(ILogger logger, string address, string environment);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Development: get a demo farmer token with {Command} (role extension_officer for an officer)")]
    private static partial void LogTokenHint(ILogger logger, string command);
}
