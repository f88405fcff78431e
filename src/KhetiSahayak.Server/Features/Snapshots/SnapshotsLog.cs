namespace KhetiSahayak.Server.Features.Snapshots;

/// <summary>The snapshot feature's log lines: keys, counts, sizes and durations only.</summary>
internal static partial class SnapshotsLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information,
        Message = "snapshot {Scope} v{ScopeVersion} district {District} {Language} built: {Pages} pages, {Rows} rows, {Bytes} bytes, {DurationMs} ms")]
    public static partial void Built(ILogger logger, string scope, int scopeVersion, long district, string language, int pages, int rows, long bytes, long durationMs);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "snapshot cache: could not remove {Path}")]
    public static partial void StaleFileKept(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "snapshot {Scope} district {District} {Language}: refused, node at its limit of concurrent syncs")]
    public static partial void Overloaded(ILogger logger, string scope, long district, string language);
}
