namespace KhetiSahayak.Server.Features.Sync;

/// <summary>The sync feature's log lines: ids, counts, sizes and durations only; never values, tokens, names or phones.</summary>
internal static partial class SyncLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information,
        Message = "sync {Call} device {DeviceId} scope {Scope} v{ScopeVersion}: {RowsUp} rows up, {RowsDown} rows down, {BytesIn} bytes in, {BytesOut} bytes out, {DurationMs} ms, {StatusCode} {Outcome}")]
    public static partial void RequestCompleted(ILogger logger, string call, Guid? deviceId, string? scope, int? scopeVersion, int rowsUp, int rowsDown, long bytesIn, long bytesOut, long durationMs, int statusCode, string outcome);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information,
        Message = "sync device {DeviceId} scope {Scope}: push applied, pull refused with {Code}; the answer carries the push results without a page")]
    public static partial void PullAfterPushRefused(ILogger logger, Guid deviceId, string scope, string code);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "sync device {DeviceId} scope {Scope}: refused, node at its limit of concurrent syncs")]
    public static partial void Overloaded(ILogger logger, Guid deviceId, string scope);
}
