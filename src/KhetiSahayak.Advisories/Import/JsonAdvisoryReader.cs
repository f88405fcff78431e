using System.Runtime.CompilerServices;
using System.Text.Json;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// Streams a JSON array of advisories element by element, so memory holds one buffer of the file (1 MB, more only
/// for a larger advisory), never the file. One <see cref="Utf8JsonReader"/> pass over the buffer reads each advisory
/// straight into its raw fields (<see cref="JsonAdvisoryFields"/>); an advisory cut by the end of the buffer is read
/// again from its start once more bytes are in, then the buffer is reused.
/// </summary>
/// <remarks>
/// This replaced finding each element with one reader pass and then parsing it again into a
/// <see cref="JsonDocument"/>: the second pass and the document's property lookups were a third of a 100,000-advisory
/// dry run (dotnet-trace). Duplicate properties keep the last value, as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> did.
/// </remarks>
internal sealed class JsonAdvisoryReader(Stream stream) : IAdvisorySourceReader
{
    private const int BufferSize = 1 << 20;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 32,
    };

    private readonly JsonAdvisoryFields _fields = new();

    public List<AdvisoryImportIssue> FileIssues { get; } = [];

    public bool Aborted { get; private set; }

    public async IAsyncEnumerable<SourceAdvisory> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        var scan = new Scan { State = new JsonReaderState(ReaderOptions) };
        var advisories = new List<SourceAdvisory>();
        int filled = 0, begin = 0;
        var final = false;
        var bomChecked = false;
        long record = 0;
        while (true)
        {
            // Keep the unread tail, make room (a single advisory larger than the buffer grows it), read more.
            if (begin > 0)
            {
                buffer.AsSpan(begin, filled - begin).CopyTo(buffer);
                filled -= begin;
                begin = 0;
            }

            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            while (!final && filled < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (n == 0)
                {
                    final = true;
                }

                filled += n;
                if (n < 4096)
                {
                    break;
                }
            }

            if (!bomChecked && (filled >= 3 || final))
            {
                bomChecked = true;
                if (filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                {
                    begin = 3;
                }
            }

            if (!bomChecked)
            {
                continue;
            }

            advisories.Clear();
            string? error = null;
            try
            {
                begin += Read(buffer.AsSpan(begin, filled - begin), final, ref scan, advisories, ref record);
            }
            catch (JsonException ex)
            {
                // Nothing after a syntax error can be trusted; what was read before it stands (each record is whole).
                var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}"
                    : ex is JsonTextNotUnicodeException ? $" (a text of record {record + 1} is not valid Unicode: ill-formed UTF-8 or a lone surrogate)" : string.Empty;
                error = where;
            }

            foreach (var advisory in advisories)
            {
                yield return advisory;
            }

            if (error is not null)
            {
                FileIssues.Add(new AdvisoryImportIssue(record + 1, null, null, "$", AdvisoryImportReasons.MalformedInput,
                    $"not a valid JSON array of advisories{error}; reading stopped after {record} record(s)"));
                Aborted = true;
                yield break;
            }

            if (scan.Done)
            {
                yield break;
            }
        }
    }

    /// <summary>Where the reader is between buffers.</summary>
    private struct Scan
    {
        public JsonReaderState State;

        public bool InArray;

        public bool AfterArray;

        /// <summary>The end of the input was reached after the array.</summary>
        public bool Done;
    }

    /// <summary>
    /// Reads the whole array elements in <paramref name="data"/> into <paramref name="advisories"/> (numbering them
    /// from <paramref name="record"/>) and returns the bytes consumed; an element cut by the end of the buffer is left
    /// for the next call. Throws <see cref="JsonException"/> (with line and byte) on malformed JSON or a root that is
    /// not an array.
    /// </summary>
    private int Read(ReadOnlySpan<byte> data, bool final, ref Scan scan, List<SourceAdvisory> advisories, ref long record)
    {
        var reader = new Utf8JsonReader(data, final, scan.State);
        var consumed = 0;
        while (true)
        {
            if (scan.AfterArray)
            {
                // Only whitespace and comments may follow; the reader throws on anything else.
                if (!reader.Read())
                {
                    scan.State = reader.CurrentState;
                    scan.Done = final;
                    return (int)reader.BytesConsumed;
                }

                continue;
            }

            if (!reader.Read())
            {
                if (final)
                {
                    throw new JsonException("the input ended before the array of advisories did");
                }

                return consumed;
            }

            if (!scan.InArray)
            {
                // A bare null reads as no advisories, as the serializer-based reader this replaced read it.
                if (reader.TokenType == JsonTokenType.Null)
                {
                    scan.AfterArray = true;
                    scan.State = reader.CurrentState;
                    consumed = (int)reader.BytesConsumed;
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("the input is not a JSON array of advisories");
                }

                scan.InArray = true;
                scan.State = reader.CurrentState;
                consumed = (int)reader.BytesConsumed;
                continue;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                scan.AfterArray = true;
                scan.State = reader.CurrentState;
                consumed = (int)reader.BytesConsumed;
                continue;
            }

            // An element goes on past the buffer: read it again from its start with more data.
            _fields.Clear();
            if (!_fields.TryRead(ref reader, data))
            {
                return consumed;
            }

            consumed = (int)reader.BytesConsumed;
            scan.State = reader.CurrentState;
            record++;
            advisories.Add(_fields.ToSource(record));
        }
    }
}
