using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Client;

/// <summary>
/// Reads a snapshot file: brotli-compressed JSON Lines, a header line, then pull pages in the wire form of
/// <c>/pull</c>, decoded with the app's own scope definition. One page is in memory at a time.
/// </summary>
public static class SnapshotReader
{
    public const string Format = "kheti-snapshot";
    public const int FormatVersion = 1;

    /// <summary>The pages of the snapshot at <paramref name="path"/>, after checking its header is for <paramref name="scope"/>.</summary>
    /// <exception cref="SyncProtocolException"><see cref="SnapshotDownloader.InvalidSnapshot"/> for a file that is not such a snapshot.</exception>
    public static async IAsyncEnumerable<PullResponse> ReadPagesAsync(string path, ScopeDefinition scope, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        await using var brotli = new BrotliStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(brotli, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var header = await ReadLineAsync(reader, cancellationToken) ?? throw Invalid("it is empty");
        using (var doc = Parse(header))
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !Is(root, "format", Format) || !root.TryGetProperty("formatVersion", out var fv) || !fv.TryGetInt32(out var version) || version != FormatVersion)
            {
                throw Invalid($"it is not a {Format} file of version {FormatVersion}");
            }

            if (!Is(root, "scope", scope.Name) || !root.TryGetProperty("scopeVersion", out var sv) || !sv.TryGetInt32(out var scopeVersion) || scopeVersion != scope.Version)
            {
                throw Invalid($"it is not for scope {scope.Name} v{scope.Version}");
            }
        }

        while (await ReadLineAsync(reader, cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            PullResponse page;
            using (var doc = Parse(line))
            {
                page = SyncWire.ReadPage(doc.RootElement, scope);
            }

            yield return page;
        }
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or DecoderFallbackException)
        {
            throw Invalid("it is damaged (" + ex.Message + ")");
        }
    }

    private static JsonDocument Parse(string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            throw Invalid("a line is not JSON");
        }
    }

    private static bool Is(JsonElement root, string name, string value) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String && e.GetString() == value;

    private static SyncProtocolException Invalid(string what) => new(SnapshotDownloader.InvalidSnapshot, "The snapshot file is not usable: " + what + ".");
}
