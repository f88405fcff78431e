using System.IO.Compression;
using KhetiSahayak.Server.Features.Sync;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Infrastructure;

/// <summary>
/// Brotli responses at the quality <see cref="SyncHostOptions.BrotliQuality"/> names. The framework's provider only
/// takes a <see cref="CompressionLevel"/>, which reaches qualities 1, 4 and 11 and nothing between.
/// </summary>
internal sealed class QualityBrotliCompressionProvider(IOptions<SyncHostOptions> options) : ICompressionProvider
{
    public string EncodingName => "br";

    public bool SupportsFlush => true;

    public Stream CreateStream(Stream outputStream) =>
        new BrotliStream(outputStream, new BrotliCompressionOptions { Quality = options.Value.BrotliQuality }, leaveOpen: true);
}
