using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Sync.Client;

/// <summary>
/// Downloads a first-install snapshot (PROTOCOL.md, "First install from a snapshot") into a file, resuming after a
/// cut connection: the bytes so far stay in <c>{path}.partial</c> with the entity tag beside them in
/// <c>{path}.etag</c>, and the next attempt (in this call or a later one, after the app was killed) asks only for the
/// rest with <c>Range</c> and <c>If-Range</c>. When the server now has a different snapshot it answers the whole new
/// one and the partial bytes are dropped. The finished file is checked against its SHA-256 entity tag.
/// </summary>
public sealed class SnapshotDownloader : IDisposable
{
    /// <summary>The code of a snapshot file that is not usable (bad hash, not a snapshot, truncated); download it again or sync without it.</summary>
    public const string InvalidSnapshot = "snapshot_invalid";

    private const string MediaType = "application/vnd.kheti.snapshot.v1";
    private readonly HttpSyncTransportOptions _options;
    private readonly HttpClient _http;

    /// <param name="options">Server address, token, attempts and back-off, as for <see cref="HttpSyncTransport"/>.</param>
    /// <param name="handler">The HTTP handler; null for a plain one (the body is already compressed, so none is negotiated).</param>
    public SnapshotDownloader(HttpSyncTransportOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        _options = options;
        var baseAddress = options.BaseAddress.AbsoluteUri.EndsWith('/') ? options.BaseAddress : new Uri(options.BaseAddress.AbsoluteUri + "/");
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, ConnectTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The request path of a snapshot, relative to the server's base address.</summary>
    public static string RelativeUri(string scope, int scopeVersion, long district, string language) =>
        string.Create(CultureInfo.InvariantCulture, $"sync/v1/{Uri.EscapeDataString(scope)}/snapshots/{district}/{Uri.EscapeDataString(language)}?scopeVersion={scopeVersion}");

    /// <summary>Downloads (or finishes downloading) the snapshot into <paramref name="path"/>.</summary>
    /// <exception cref="SyncProtocolException">The server refused (e.g. <c>unknown_district</c>), or attempts ran out on a bad file.</exception>
    public async Task<SnapshotDownload> DownloadAsync(string scope, int scopeVersion, long district, string language, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var partial = path + ".partial";
        var etagFile = path + ".etag";
        var uri = RelativeUri(scope, scopeVersion, district, language);
        long transferred = 0;
        var requests = 0;
        for (var attempt = 1; ; attempt++)
        {
            Exception failure;
            var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            var etag = File.Exists(etagFile) ? (await File.ReadAllTextAsync(etagFile, cancellationToken)).Trim() : null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.AttemptTimeout);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _options.AccessToken(timeout.Token));
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaType));
                    if (have > 0 && etag is not null)
                    {
                        request.Headers.Range = new RangeHeaderValue(have, null);
                        request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"" + etag + "\""));
                    }

                    requests++;
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
                    {
                        // The saved bytes are not a prefix of anything the server has: start over.
                        Forget(partial, etagFile);
                        continue;
                    }

                    if (!response.IsSuccessStatusCode)
                    {
                        if (!HttpSyncTransport.IsTransient((int)response.StatusCode))
                        {
                            throw await HttpSyncTransport.ProblemAsync(response, timeout.Token);
                        }

                        throw new HttpRequestException($"The sync server answered {(int)response.StatusCode}.", null, response.StatusCode);
                    }

                    var tag = response.Headers.ETag is { IsWeak: false } strong ? strong.Tag.Trim('"') : throw Invalid("the snapshot answer has no strong ETag");
                    var append = response.StatusCode == HttpStatusCode.PartialContent;
                    if (append && (response.Content.Headers.ContentRange?.From != have || tag != etag))
                    {
                        throw Invalid("the partial answer does not continue the saved bytes");
                    }

                    if (!append)
                    {
                        // A whole answer: a new snapshot, or the first attempt. Remember its tag before any byte lands.
                        Forget(partial, etagFile);
                        await File.WriteAllTextAsync(etagFile, tag, timeout.Token);
                    }

                    await using (var body = await response.Content.ReadAsStreamAsync(timeout.Token))
                    await using (var file = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
                    {
                        var buffer = new byte[64 * 1024];
                        int read;
                        while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
                        {
                            await file.WriteAsync(buffer.AsMemory(0, read), timeout.Token);
                            transferred += read;
                        }
                    }

                    var length = new FileInfo(partial).Length;
                    var expected = append ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength;
                    if (expected is { } total && length != total)
                    {
                        throw new IOException($"The snapshot answer ended after {length} of {total} bytes.");
                    }

                    if (!await MatchesAsync(partial, tag, timeout.Token))
                    {
                        Forget(partial, etagFile);
                        throw Invalid("the downloaded bytes do not match the snapshot's SHA-256 entity tag");
                    }

                    File.Move(partial, path, overwrite: true);
                    File.Delete(etagFile);
                    return new SnapshotDownload(path, tag, length, transferred, requests);
                }
                catch (HttpRequestException ex)
                {
                    failure = ex;
                }
                catch (IOException ex)
                {
                    failure = ex;
                }
                catch (SyncProtocolException ex) when (ex.Code == InvalidSnapshot)
                {
                    failure = ex;
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = new TimeoutException($"No complete answer within {_options.AttemptTimeout}.", ex);
                }
            }

            if (attempt >= _options.MaxAttempts)
            {
                throw failure;
            }

            var ceiling = Math.Min(_options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), _options.MaxDelay.TotalMilliseconds);
            await Task.Delay(TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2)), _options.TimeProvider, cancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<bool> MatchesAsync(string path, string etag, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        return string.Equals(hash, etag, StringComparison.OrdinalIgnoreCase);
    }

    private static void Forget(string partial, string etagFile)
    {
        File.Delete(partial);
        File.Delete(etagFile);
    }

    private static SyncProtocolException Invalid(string what) => new(InvalidSnapshot, "The snapshot download is not usable: " + what + ".");
}
