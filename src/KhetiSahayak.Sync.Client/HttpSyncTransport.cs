using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite.Device;

namespace KhetiSahayak.Sync.Client;

/// <summary>
/// The device side of the HTTP sync protocol (PROTOCOL.md beside the server's sync feature). Sends gzip-compressed
/// request bodies, accepts brotli or gzip answers, turns ProblemDetails into <see cref="SyncProtocolException"/> with
/// the server's stable code, and retries transient failures with exponential back-off and jitter; a 429 or 503 with
/// Retry-After is waited out on its own budget (<see cref="HttpSyncTransportOptions.MaxBusyWait"/>). A retried push
/// resends the same bytes, so the same mutation ids: the server applies them once and answers the same. Pull pages can
/// also be handed over undecoded (<see cref="IEncodedPullTransport"/>), for the device store to apply from their bytes.
/// </summary>
public sealed class HttpSyncTransport : ISyncTransport, IEncodedPullTransport, IDisposable
{
    private readonly HttpSyncTransportOptions _options;
    private readonly Dictionary<(string, int), ScopeDefinition> _scopes;
    private readonly HttpClient _http;
    private readonly WireCounters _counters = new();
    private readonly object _aheadGate = new();
    private Prefetched? _prefetched;
    private ReadAhead? _ahead;

    /// <param name="scopes">The scope definitions the app was built with; answers are decoded with their column types.</param>
    public HttpSyncTransport(HttpSyncTransportOptions options, IEnumerable<ScopeDefinition> scopes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBusyWait, TimeSpan.Zero);
        _options = options;
        _scopes = scopes.ToDictionary(s => (s.Name, s.Version));
        var counters = _counters;
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.Brotli | DecompressionMethods.GZip,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(30),

            // Counting at the socket measures what the phone pays for: headers, compressed bodies, TLS.
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new ByteCountingStream(new NetworkStream(socket, ownsSocket: true), counters.Received, counters.Sent);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var baseAddress = options.BaseAddress.AbsoluteUri.EndsWith('/') ? options.BaseAddress : new Uri(options.BaseAddress.AbsoluteUri + "/");
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Requests, retries and wire bytes so far.</summary>
    public HttpSyncTransportStats Stats => _counters.Snapshot();

    public async Task<PushResponse> PushAsync(string scope, int scopeVersion, IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutations);
        var definition = Scope(scope, scopeVersion);

        // A page read ahead before this push may hold rows older than the push results: never serve it after.
        DropAhead();
        if (_options.CurrentCursor is { } currentCursor)
        {
            var cursor = await currentCursor(cancellationToken);
            var answer = await SendAsync($"sync/v1/{Uri.EscapeDataString(scope)}", SyncWire.WriteRequest(scopeVersion, cursor, mutations), null, cancellationToken);
            Prefetched? page = null;
            try
            {
                PushResponse push;
                using (var doc = answer.Parse())
                {
                    push = SyncWire.ReadPush(doc.RootElement, definition, mutations);

                    // Computed after this push committed, so it is at least as new as every result just returned. Decoded
                    // now, so a bad page fails this push, as it always has; the bytes are kept for an undecoded pull.
                    if (SyncWire.HasPage(doc.RootElement))
                    {
                        page = new Prefetched(scope, scopeVersion, cursor, SyncWire.ReadPage(doc.RootElement, definition), answer);
                    }
                }

                Interlocked.Exchange(ref _prefetched, page)?.Dispose();
                return push;
            }
            finally
            {
                if (page is null)
                {
                    answer.Dispose();
                }
            }
        }

        using var pushed = await SendAsync($"sync/v1/{Uri.EscapeDataString(scope)}/push", SyncWire.WriteRequest(scopeVersion, null, mutations), null, cancellationToken);
        using var pushedDoc = pushed.Parse();
        return SyncWire.ReadPush(pushedDoc.RootElement, definition, mutations);
    }

    public async Task<PullResponse> PullAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken)
    {
        var definition = Scope(scope, scopeVersion);
        if (TakePrefetched(scope, scopeVersion, cursor) is { } prefetched)
        {
            prefetched.Dispose();
            return prefetched.Page;
        }

        using var page = await PullPageAsync(scope, scopeVersion, cursor, cancellationToken);
        return Decode(page, definition);
    }

    /// <summary>The page <see cref="PullAsync"/> returns, as the answer's bytes; the caller disposes it.</summary>
    public async Task<EncodedPullPage> PullEncodedAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken)
    {
        _ = Scope(scope, scopeVersion);
        if (TakePrefetched(scope, scopeVersion, cursor) is { } prefetched)
        {
            return new EncodedPullPage(prefetched.Answer.Json, prefetched.Page.Cursor, prefetched.Page.HasMore, prefetched.Answer);
        }

        return await PullPageAsync(scope, scopeVersion, cursor, cancellationToken);
    }

    private Prefetched? TakePrefetched(string scope, int scopeVersion, string? cursor)
    {
        var prefetched = Interlocked.Exchange(ref _prefetched, null);
        if (prefetched is not null && prefetched.Scope == scope && prefetched.ScopeVersion == scopeVersion && prefetched.Cursor == cursor)
        {
            return prefetched;
        }

        prefetched?.Dispose();
        return null;
    }

    private static PullResponse Decode(EncodedPullPage page, ScopeDefinition definition)
    {
        try
        {
            using var doc = JsonDocument.Parse(page.Json);
            return SyncWire.ReadPage(doc.RootElement, definition);
        }
        catch (JsonException)
        {
            throw new SyncProtocolException(SyncWire.InvalidResponse, "The server's answer is not JSON.");
        }
    }

    private async Task<EncodedPullPage> PullPageAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken)
    {
        ReadAhead? ahead;
        lock (_aheadGate)
        {
            ahead = _ahead;
            _ahead = null;
        }

        if (ahead is not null)
        {
            if (ahead.Scope == scope && ahead.ScopeVersion == scopeVersion && ahead.Cursor == cursor)
            {
                // Claimed: if its answer already named the page after it, that one may be read ahead now.
                ahead.Claimed = true;
                if (ahead.Next is { } next)
                {
                    StartAhead(ahead.Scope, ahead.ScopeVersion, next, cancellationToken);
                }

                try
                {
                    return await ahead.Page.WaitAsync(cancellationToken);
                }
                finally
                {
                    if (ahead.Page.IsCompleted)
                    {
                        ahead.Cancellation.Dispose();
                    }
                }
            }

            ahead.Abandon();
        }

        return await FetchPageAsync(scope, scopeVersion, cursor, cancellationToken);
    }

    /// <summary>
    /// One /pull request. Servers write <c>cursor</c> and <c>hasMore</c> before the rows (PROTOCOL.md 5.2), so the next
    /// page is asked for as soon as they arrive, while this page is still downloading and being applied: server and
    /// device then work at once. At most one page is read ahead beyond the pages the caller has asked for, so memory
    /// stays a few pages; it is served only to a pull with exactly its cursor, and a push drops it.
    /// </summary>
    private async Task<EncodedPullPage> FetchPageAsync(string scope, int scopeVersion, string? cursor, CancellationToken cancellationToken, ReadAhead? self = null)
    {
        void OnHead(string next, bool hasMore)
        {
            if (!hasMore)
            {
                return;
            }

            if (self is null || self.Claimed)
            {
                StartAhead(scope, scopeVersion, next, cancellationToken);
            }
            else
            {
                // Read ahead itself: the page after it is asked for once a caller claims this one.
                self.Next = next;
                if (self.Claimed)
                {
                    StartAhead(scope, scopeVersion, next, cancellationToken);
                }
            }
        }

        var answer = await SendAsync($"sync/v1/{Uri.EscapeDataString(scope)}/pull", SyncWire.WriteRequest(scopeVersion, cursor, null), OnHead, cancellationToken);
        try
        {
            return answer.ToPage();
        }
        catch
        {
            answer.Dispose();
            throw;
        }
    }

    private void StartAhead(string scope, int scopeVersion, string cursor, CancellationToken cancellationToken = default)
    {
        lock (_aheadGate)
        {
            if (_ahead is not null)
            {
                return;
            }

            var ahead = new ReadAhead(scope, scopeVersion, cursor, cancellationToken);
            ahead.Page = FetchPageAsync(scope, scopeVersion, cursor, ahead.Cancellation.Token, ahead);
            _ahead = ahead;
        }
    }

    private void DropAhead()
    {
        ReadAhead? ahead;
        lock (_aheadGate)
        {
            ahead = _ahead;
            _ahead = null;
        }

        ahead?.Abandon();
    }

    public void Dispose()
    {
        DropAhead();
        Interlocked.Exchange(ref _prefetched, null)?.Dispose();
        _http.Dispose();
    }

    private ScopeDefinition Scope(string scope, int version) =>
        _scopes.TryGetValue((scope, version), out var definition)
            ? definition
            : throw new ArgumentException($"scope {scope} v{version} was not given to this transport", nameof(scope));

    /// <summary>
    /// Posts a JSON body and returns the answer's bytes (the caller disposes them), retrying what is worth retrying.
    /// <paramref name="onHead"/>, when given, hears a page's <c>cursor</c> and <c>hasMore</c> as soon as they have
    /// arrived, if the answer starts with them.
    /// </summary>
    private async Task<Answer> SendAsync(string path, byte[] json, Action<string, bool>? onHead, CancellationToken cancellationToken)
    {
        var (body, encoding) = Compress(json);
        var busyWaited = TimeSpan.Zero;
        for (var attempt = 1; ; )
        {
            _counters.Request();
            TimeSpan? retryAfter = null;
            var busy = false;
            Exception failure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.AttemptTimeout);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    if (encoding is not null)
                    {
                        request.Content.Headers.ContentEncoding.Add(encoding);
                    }

                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _options.AccessToken(timeout.Token));
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                        return await AnswerHead.ReadAsync(stream, onHead, timeout.Token);
                    }

                    var status = (int)response.StatusCode;
                    if (!IsTransient(status))
                    {
                        throw await ProblemAsync(response, timeout.Token);
                    }

                    retryAfter = RetryAfter(response);
                    busy = status is 429 or 503 && retryAfter is not null;
                    failure = new HttpRequestException($"The sync server answered {status}.", null, response.StatusCode);
                }
                catch (HttpRequestException ex)
                {
                    failure = ex;
                }
                catch (IOException ex)
                {
                    failure = ex;
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = new TimeoutException($"No complete answer within {_options.AttemptTimeout}.", ex);
                }
            }

            if (busy)
            {
                // The server is up and said when to come back: its own budget, not a failed attempt.
                var wait = Delay(attempt, retryAfter);
                if (wait is null || busyWaited + wait.Value > _options.MaxBusyWait)
                {
                    throw failure;
                }

                busyWaited += wait.Value;
                _counters.BusyRetry();
                await Task.Delay(wait.Value, _options.TimeProvider, cancellationToken);
                continue;
            }

            if (attempt >= _options.MaxAttempts)
            {
                throw failure;
            }

            var delay = Delay(attempt, retryAfter);
            if (delay is null)
            {
                throw failure;
            }

            attempt++;
            _counters.Retry();
            await Task.Delay(delay.Value, _options.TimeProvider, cancellationToken);
        }
    }

    private (byte[] Body, string? Encoding) Compress(byte[] json)
    {
        if (json.Length < _options.CompressRequestsFrom)
        {
            return (json, null);
        }

        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return buffer.Length < json.Length ? (buffer.ToArray(), "gzip") : (json, null);
    }

    /// <summary>408, 429 and 5xx may succeed later; every other error answer will not.</summary>
    internal static bool IsTransient(int status) => status is 408 or 429 or >= 500;

    /// <summary>
    /// The wait before the next attempt: the server's Retry-After plus up to 20% jitter when it sent one (null, give up,
    /// when it asks for longer than <see cref="HttpSyncTransportOptions.MaxDelay"/>); otherwise exponential back-off
    /// with "equal jitter": half the doubled delay fixed, half random, so devices that failed together spread out.
    /// </summary>
    internal TimeSpan? Delay(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait)
        {
            return wait > _options.MaxDelay ? null : wait * (1 + (0.2 * Random.Shared.NextDouble()));
        }

        var ceiling = Math.Min(_options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), _options.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? TimeSpan.FromTicks(Math.Max(0, (date - _options.TimeProvider.GetUtcNow()).Ticks)) : null;
    }

    /// <summary>An error answer as the exception the app and DeviceSynchronizer branch on: its stable code and detail.</summary>
    internal static async Task<SyncProtocolException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var code = "http_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var detail = $"The sync server answered {status}.";
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var problem = await JsonDocument.ParseAsync(stream, default, cancellationToken);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (problem.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                {
                    code = c.GetString()!;
                }

                if (problem.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
                {
                    detail = d.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not a ProblemDetails body (a proxy's page): the status code is all there is.
        }

        return new SyncProtocolException(code, detail);
    }

    /// <summary>The page a push answer carried, decoded, and the answer's bytes for an undecoded pull.</summary>
    private sealed record Prefetched(string Scope, int ScopeVersion, string? Cursor, PullResponse Page, Answer Answer) : IDisposable
    {
        public void Dispose() => Answer.Dispose();
    }

    /// <summary>A page asked for before the caller asked: served only to a pull with exactly its cursor.</summary>
    private sealed class ReadAhead(string scope, int scopeVersion, string cursor, CancellationToken cancellationToken)
    {
        public string Scope { get; } = scope;

        public int ScopeVersion { get; } = scopeVersion;

        public string Cursor { get; } = cursor;

        public CancellationTokenSource Cancellation { get; } = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        public Task<EncodedPullPage> Page { get; set; } = Task.FromResult<EncodedPullPage>(null!);

        private volatile bool _claimed;
        private volatile string? _next;

        public bool Claimed { get => _claimed; set => _claimed = value; }

        public string? Next { get => _next; set => _next = value; }

        /// <summary>Nobody will take this page: stop it, and keep its failure from going unobserved.</summary>
        public void Abandon()
        {
            Cancellation.Cancel();
            _ = Page.ContinueWith(
                t =>
                {
                    _ = t.Exception;
                    if (t.IsCompletedSuccessfully)
                    {
                        t.Result?.Dispose();
                    }

                    Cancellation.Dispose();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }
}
