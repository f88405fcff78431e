using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace KhetiSahayak.Server.Infrastructure.Logging;

internal static class LoggingExtensions
{
    /// <summary>
    /// One JSON object per line on stdout (Serilog's JsonFormatter). Levels come from the usual <c>Logging:LogLevel</c>
    /// section: AddSerilog lets every level through to Serilog, so Serilog applies them.
    /// </summary>
    public static IHostApplicationBuilder AddJsonLogging(this IHostApplicationBuilder builder)
    {
        var levels = builder.Configuration.GetSection("Logging:LogLevel");
        var configuration = new LoggerConfiguration().MinimumLevel.Is(ToSerilog(levels["Default"], LogEventLevel.Information));
        foreach (var category in levels.GetChildren().Where(c => c.Key != "Default"))
        {
            configuration.MinimumLevel.Override(category.Key, ToSerilog(category.Value, LogEventLevel.Information));
        }

        var logger = configuration.WriteTo.Console(new JsonFormatter(renderMessage: true)).CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        return builder;
    }

    private static LogEventLevel ToSerilog(string? level, LogEventLevel fallback) => level switch
    {
        "Trace" => LogEventLevel.Verbose,
        "Debug" => LogEventLevel.Debug,
        "Information" => LogEventLevel.Information,
        "Warning" => LogEventLevel.Warning,
        "Error" => LogEventLevel.Error,
        "Critical" or "None" => LogEventLevel.Fatal,
        _ => fallback,
    };
}
