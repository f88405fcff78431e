using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Server.Features.Snapshots;

/// <summary>
/// Writes a snapshot body (PROTOCOL.md, "First install from a snapshot"): brotli-compressed JSON Lines, a header line,
/// then the pull pages of the snapshot's device-less pull in the same encoding as <c>/pull</c>. Only the last page
/// carries a cursor: the snapshot cursor a device continues from.
/// </summary>
internal static class SnapshotWriter
{
    public const string Format = "kheti-snapshot";
    public const int FormatVersion = 1;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>Pulls the whole snapshot from the engine into <paramref name="destination"/>; returns pages and rows written.</summary>
    public static async Task<(int Pages, int Rows)> WriteAsync(
        Stream destination, SyncEngine engine, ScopeDefinition scope, SnapshotKey key, ScopeParameters parameters, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var pages = 0;
        var rows = 0;
        await using (var brotli = new BrotliStream(destination, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await using var writer = new Utf8JsonWriter(brotli, WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("formatVersion", FormatVersion);
            writer.WriteString("scope", scope.Name);
            writer.WriteNumber("scopeVersion", scope.Version);
            writer.WriteNumber("district", key.District);
            writer.WriteString("language", key.Language);
            writer.WriteString("createdAt", createdAt);
            writer.WriteEndObject();
            await EndLineAsync(writer, brotli, cancellationToken);

            var principal = SyncEngine.SnapshotPrincipal(scope);
            var cursor = await engine.BeginSnapshotAsync(scope, parameters, cancellationToken);
            while (true)
            {
                // The page's text stays UTF-8 from the store to the file, as in a sync answer.
                using var text = new Utf8TextBuffer();
                var page = await engine.PullAsync(principal, scope.Name, scope.Version, cursor, text, cancellationToken);
                cursor = page.Cursor;

                // Intermediate cursors are bound to no device and would only confuse a client: the last one is the one.
                var written = page.HasMore ? page with { Cursor = string.Empty } : page;
                writer.WriteStartObject();
                foreach (var _ in PullPageJson.WriteProperties(writer, scope, written))
                {
                    // Rows are counted from the page; nothing to flush per row into a file.
                }

                writer.WriteEndObject();
                await EndLineAsync(writer, brotli, cancellationToken);
                pages++;
                rows += page.Changes.Sum(c => c.Upserts.Count + c.Deletes.Count);
                if (!page.HasMore)
                {
                    break;
                }
            }
        }

        return (pages, rows);
    }

    private static async Task EndLineAsync(Utf8JsonWriter writer, Stream stream, CancellationToken cancellationToken)
    {
        await writer.FlushAsync(cancellationToken);
        stream.WriteByte((byte)'\n');
        writer.Reset(stream);
    }
}
