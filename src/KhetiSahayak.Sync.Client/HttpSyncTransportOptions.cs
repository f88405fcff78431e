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

    /// <summary>
    /// Attempts per call, the first included; transient failures are retried until this many were made. A 429 or 503
    /// that carries Retry-After (the server is busy, not broken) does not count here: see <see cref="MaxBusyWait"/>.
    /// </summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>
    /// The busy budget of one call: the total time it may wait on 429 and 503 answers that carry Retry-After. Each such
    /// answer is retried after its Retry-After plus up to 20% jitter while the waits add up to no more than this;
    /// they do not use up <see cref="MaxAttempts"/>, so a crowded server at peak does not end a sync that a few more
    /// seconds would finish, and a flaky link still gets its own retries.
    /// </summary>
    public TimeSpan MaxBusyWait { get; init; } = TimeSpan.FromMinutes(2);

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
