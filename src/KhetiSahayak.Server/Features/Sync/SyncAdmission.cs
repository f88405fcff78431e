using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>
/// Bounds the sync requests doing database work at once on this node; a request over the bound is refused at once
/// (no queue), so the client backs off and another node or a later moment serves it. The permit covers only the
/// engine work, not reading the body or writing the answer, so a slow GPRS upload never holds a database slot.
/// </summary>
internal sealed class SyncAdmission(IOptions<SyncHostOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxConcurrentSyncs,
        QueueLimit = 0,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public int RetryAfterSeconds { get; } = options.Value.RetryAfterSeconds;

    public RateLimitLease TryEnter() => _limiter.AttemptAcquire();

    public void Dispose() => _limiter.Dispose();
}
