using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KhetiSahayak.Sync.Client.Tests;

/// <summary>
/// A tiny Kestrel server on 127.0.0.1 that answers each request with the test's script (by attempt number) and
/// records what it received, so the transport is tested over real sockets.
/// </summary>
internal sealed class StubSyncServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedRequest> _received = [];

    private StubSyncServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IReadOnlyList<ReceivedRequest> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Starts a server; <paramref name="answer"/> gets the context and the 1-based number of the request.</summary>
    public static async Task<StubSyncServer> StartAsync(Func<HttpContext, int, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        StubSyncServer? self = null;
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var raw = buffer.ToArray();
            var encoding = context.Request.Headers.ContentEncoding.ToString();
            var body = raw;
            if (encoding == "gzip")
            {
                using var unzipped = new MemoryStream();
                await using (var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress))
                {
                    await gzip.CopyToAsync(unzipped);
                }

                body = unzipped.ToArray();
            }

            int number;
            lock (self!._received)
            {
                self._received.Add(new ReceivedRequest(context.Request.Path, encoding, context.Request.Headers.Authorization.ToString(), context.Request.Headers.AcceptEncoding.ToString(), raw.Length, body));
                number = self._received.Count;
            }

            await answer(context, number);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new StubSyncServer(app, new Uri(address + "/"));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Answers with a JSON body.</summary>
    public static Task JsonAsync(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = status < 400 ? "application/json" : "application/problem+json";
        return context.Response.WriteAsync(json);
    }

    internal sealed record ReceivedRequest(string Path, string ContentEncoding, string Authorization, string AcceptEncoding, int WireLength, byte[] Body);
}
