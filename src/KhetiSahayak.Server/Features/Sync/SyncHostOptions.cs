using System.ComponentModel.DataAnnotations;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>
/// The host's side of the Sync section (the engine's limits bind from the same section into SyncEngineOptions).
/// </summary>
public sealed class SyncHostOptions
{
    public const string SectionName = "Sync";

    /// <summary>The default <see cref="BrotliQuality"/>.</summary>
    public const int DefaultBrotliQuality = 3;

    /// <summary>The HMAC key of cursors, at least 32 characters, shared by every node. From the environment (Sync__CursorKey).</summary>
    [Required(ErrorMessage = "Sync:CursorKey is required outside Development (set the environment variable Sync__CursorKey).")]
    [MinLength(32)]
    public string? CursorKey { get; set; }

    /// <summary>
    /// Sync requests doing database work at once on this node; more are answered 429 at once (no queue). A sync is
    /// mostly CPU here and in the database, so requests admitted beyond what keeps the cores busy only wait for them:
    /// the default, three per core, is the fewest that kept throughput (kheti bench delta-sync, 1,000 devices, 200 at
    /// a time, PostgreSQL, 2 cores, 8 December 2026: three per core 59.9 / 61.2 syncs/s with server-timed p95 141 /
    /// 141 ms; four per core 58.5 / 62.2 syncs/s at 211 / 196 ms; two per core 48.3 syncs/s). 64 let p95 reach 1.8 s.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrentSyncs { get; set; } = 3 * Environment.ProcessorCount;

    /// <summary>Seconds a client is told to wait (Retry-After) when this node is at its limit.</summary>
    [Range(1, 3_600)]
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Largest request body, counted both as sent and after decompression.</summary>
    [Range(1_024, 256 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Brotli quality (0–11) of compressed responses. Quality 3 costs about half the CPU of quality 4 (.NET's
    /// CompressionLevel.Optimal) for about 1% more bytes on sync pages (measured with kheti bench initial-sync and a
    /// page-shaped sample); quality 5 saves about 8% of the bytes for about 1.5–2× the CPU of quality 4.
    /// </summary>
    [Range(0, 11)]
    public int BrotliQuality { get; set; } = DefaultBrotliQuality;

    /// <summary>The sync-scopes folder; empty means next to the app, or the nearest one above the content root.</summary>
    public string? ScopesPath { get; set; }
}
