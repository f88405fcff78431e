using System.ComponentModel.DataAnnotations;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>
/// The host's side of the Sync section (the engine's limits bind from the same section into SyncEngineOptions).
/// </summary>
public sealed class SyncHostOptions
{
    public const string SectionName = "Sync";

    /// <summary>The HMAC key of cursors, at least 32 characters, shared by every node. From the environment (Sync__CursorKey).</summary>
    [Required(ErrorMessage = "Sync:CursorKey is required outside Development (set the environment variable Sync__CursorKey).")]
    [MinLength(32)]
    public string? CursorKey { get; set; }

    /// <summary>
    /// Sync requests doing database work at once on this node; more are answered 429 at once (no queue). The default,
    /// four per core, kept delta-sync p95 near 100 ms at 200 concurrent devices on 2 cores; 64 let it reach 1.8 s.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrentSyncs { get; set; } = 4 * Environment.ProcessorCount;

    /// <summary>Seconds a client is told to wait (Retry-After) when this node is at its limit.</summary>
    [Range(1, 3_600)]
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Largest request body, counted both as sent and after decompression.</summary>
    [Range(1_024, 256 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The sync-scopes folder; empty means next to the app, or the nearest one above the content root.</summary>
    public string? ScopesPath { get; set; }
}
