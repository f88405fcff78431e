using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KhetiSahayak.Cli.Simulation;

/// <summary>
/// An HTTP proxy on loopback between simulated devices and the server that behaves like a rural link: it cuts
/// connections mid-request (the server never sees the request) and mid-response (the server did the work, the
/// device never hears), sends requests twice, and adds latency and bandwidth caps.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Random _random;
    private readonly object _gate = new();

    private FaultProxy(WebApplication app, Uri upstream, int seed)
    {
        _app = app;
        _random = new Random(seed);
        _upstream = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
        {
            BaseAddress = upstream,
            Timeout = TimeSpan.FromMinutes(5),
        };
    }

    /// <summary>The chance, per request, of one fault (a third each: cut request, cut response, duplicate).</summary>
    public double FaultRate { get; set; }

    public NetworkProfile Profile { get; set; } = NetworkProfile.None;

    public FaultCounters Counters { get; } = new();

    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    public static async Task<FaultProxy> StartAsync(Uri upstream, double faultRate, NetworkProfile profile, int seed, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var proxy = new FaultProxy(app, upstream, seed) { FaultRate = faultRate, Profile = profile };
        app.Run(proxy.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return proxy;
    }

    private enum Fault
    {
        None,
        CutRequest,
        CutResponse,
        Duplicate,
    }

    private (Fault Fault, double Fraction) Roll()
    {
        lock (_gate)
        {
            var x = _random.NextDouble();
            var fraction = _random.NextDouble();
            var third = FaultRate / 3;
            var fault = x < third ? Fault.CutRequest : x < 2 * third ? Fault.CutResponse : x < FaultRate ? Fault.Duplicate : Fault.None;
            return (fault, fraction);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        Counters.Request();
        var (fault, fraction) = Roll();
        var ct = context.RequestAborted;
        var profile = Profile;
        await DelayAsync(profile.RoundTrip / 2, ct);

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, ct);
        var requestBytes = body.ToArray();
        await ThrottleAsync(requestBytes.Length, profile.UpKbps, ct);
        if (fault == Fault.CutRequest)
        {
            // The request never reaches the server.
            Counters.CutRequest();
            context.Abort();
            return;
        }

        if (fault == Fault.Duplicate)
        {
            Counters.Duplicate();
            using var first = await SendAsync(context, requestBytes, ct);
            await first.Content.ReadAsByteArrayAsync(ct);
        }

        using var response = await SendAsync(context, requestBytes, ct);
        var responseBytes = await response.Content.ReadAsByteArrayAsync(ct);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        context.Response.ContentLength = responseBytes.Length;
        await DelayAsync(profile.RoundTrip / 2, ct);
        var toSend = fault == Fault.CutResponse ? (int)(responseBytes.Length * fraction) : responseBytes.Length;
        const int Chunk = 1024;
        for (var offset = 0; offset < toSend; offset += Chunk)
        {
            var n = Math.Min(Chunk, toSend - offset);
            await context.Response.Body.WriteAsync(responseBytes.AsMemory(offset, n), ct);
            await context.Response.Body.FlushAsync(ct);
            await ThrottleAsync(n, profile.DownKbps, ct);
        }

        if (fault == Fault.CutResponse)
        {
            // The server did the work; the device never hears the end of it.
            Counters.CutResponse();
            context.Abort();
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpContext context, byte[] body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (body.Length > 0 || context.Request.ContentLength is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        foreach (var header in context.Request.Headers)
        {
            if (HopByHop.Contains(header.Key) || header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        return await _upstream.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    private static Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, cancellationToken) : Task.CompletedTask;

    private static Task ThrottleAsync(int bytes, int kbps, CancellationToken cancellationToken) =>
        kbps > 0 ? Task.Delay(TimeSpan.FromSeconds(bytes * 8.0 / (kbps * 1000.0)), cancellationToken) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
