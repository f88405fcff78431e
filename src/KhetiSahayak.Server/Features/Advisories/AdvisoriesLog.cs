namespace KhetiSahayak.Server.Features.Advisories;

/// <summary>The advisories feature's log lines: ids and counts only, never advisory texts.</summary>
internal static partial class AdvisoriesLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "LGD reference data from {Folder}: {States} states, {Districts} districts, {Blocks} blocks")]
    public static partial void LgdLoaded(ILogger logger, string folder, int states, int districts, int blocks);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "No LGD reference data at {Where} (set Advisories:LgdPath); advisory imports answer 503 until it is there")]
    public static partial void LgdMissing(ILogger logger, string where);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "LGD reference data in {Folder} could not be read; advisory imports answer 503")]
    public static partial void LgdUnreadable(ILogger logger, string folder, Exception exception);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information,
        Message = "advisory import by {UserId} ({Format}): {Read} read, {Inserted} new, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected, {Errors} errors, {Warnings} warnings, aborted {Aborted}")]
    public static partial void Imported(ILogger logger, string? userId, KhetiSahayak.Advisories.Import.AdvisoryInputFormat format, long read, long inserted, long updated, long unchanged, long rejected, long errors, long warnings, bool aborted);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "advisory import by {UserId} stopped: the body exceeded {MaxBytes} bytes; batches before that point stay imported")]
    public static partial void BodyTooLarge(ILogger logger, string? userId, long maxBytes);

    [LoggerMessage(EventId = 405, Level = LogLevel.Information, Message = "Expired {Advisories} advisories ({Translations} translations)")]
    public static partial void Expired(ILogger logger, int advisories, int translations);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Advisory expiry failed; retrying at the next interval")]
    public static partial void ExpiryFailed(ILogger logger, Exception exception);
}
