using Serilog;
using Serilog.Formatting.Json;

namespace KhetiSahayak.Server.Infrastructure.Logging;

internal static class LoggingExtensions
{
    /// <summary>
    /// One JSON object per line on stdout (Serilog's JsonFormatter); levels are filtered by the usual
    /// <c>Logging:LogLevel</c> configuration.
    /// </summary>
    public static IHostApplicationBuilder AddJsonLogging(this IHostApplicationBuilder builder)
    {
        var logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.Console(new JsonFormatter(renderMessage: true))
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        return builder;
    }
}
