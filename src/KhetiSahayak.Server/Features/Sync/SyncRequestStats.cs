namespace KhetiSahayak.Server.Features.Sync;

/// <summary>What one sync request did, filled in by the handler and logged as one line by <see cref="SyncRequestLogging"/>.</summary>
internal sealed class SyncRequestStats
{
    public string Call { get; set; } = "unknown";

    public Guid? DeviceId { get; set; }

    public string? Scope { get; set; }

    public int? ScopeVersion { get; set; }

    public int RowsUp { get; set; }

    public int RowsDown { get; set; }

    /// <summary>"ok" or the stable error code; null when the request never reached the handler.</summary>
    public string? Outcome { get; set; }

    public static SyncRequestStats For(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stats = context.Features.Get<SyncRequestStats>();
        if (stats is null)
        {
            stats = new SyncRequestStats();
            context.Features.Set(stats);
        }

        return stats;
    }
}
