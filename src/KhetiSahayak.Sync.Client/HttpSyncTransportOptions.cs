namespace KhetiSahayak.Sync.Client;

/// <summary>Where and how <see cref="HttpSyncTransport"/> reaches the sync server.</summary>
public sealed class HttpSyncTransportOptions
{
    /// <summary>The server's base address, e.g. <c>https://sync.example.in/</c>; sync paths are relative to it.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>Returns the current access token; called before every attempt, so a refreshed token is picked up.</summary>
    public required Func<CancellationToken, ValueTask<string>> AccessToken { get; init; }

    /// <summary>
    /// Optional: the device's committed cursor. When set, a push also asks for the first pull page in the same request
    /// (<c>POST /sync/v1/{scope}</c>), and the pull that follows is answered from it: a sync with local changes is then
    /// one request. Typically <c>deviceStore.GetCursorAsync</c>.
    /// </summary>
    public Func<CancellationToken, Task<string?>>? CurrentCursor { get; init; }

    /// <summary>Attempts per call, the first included; transient failures are retried until this many were made.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The first back-off delay; each further retry doubles it, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts; a Retry-After longer than this ends the call instead.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one attempt may take, from sending to the last byte of the answer.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Request bodies at least this large are sent gzip-compressed.</summary>
    public int CompressRequestsFrom { get; init; } = 1024;

    /// <summary>The clock of back-off waits (tests pass their own).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
