using System.IO.Compression;
using KhetiSahayak.Server.Features.Sync;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Infrastructure;

internal static class WireCompressionExtensions
{
    /// <summary>
    /// Brotli or gzip both ways: responses by Accept-Encoding, request bodies by Content-Encoding. The body limit
    /// applies to the bytes as sent and again after decompression, so a small compressed bomb is refused too.
    /// </summary>
    public static IHostApplicationBuilder AddWireCompression(this IHostApplicationBuilder builder)
    {
        builder.Services.AddResponseCompression(options =>
        {
            // Sync bodies carry no secret next to attacker-chosen text, so BREACH does not apply; phones pay per byte.
            options.EnableForHttps = true;
            options.Providers.Add<QualityBrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ResponseCompressionDefaults.MimeTypes.Append("application/problem+json");
        });

        // Brotli at Sync:BrotliQuality (QualityBrotliCompressionProvider). Gzip is for clients without brotli; bytes
        // on a GPRS link cost more than the CPU of a better level.
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        builder.Services.AddRequestDecompression();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<SyncHostOptions>>((kestrel, sync) =>
        {
            kestrel.Limits.MaxRequestBodySize = sync.Value.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        return builder;
    }
}
