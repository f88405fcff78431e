using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>
/// Writes a sync answer (PROTOCOL.md, "Responses"): push results, then a pull page with column names once per table
/// and each row as a positional array <c>[version, v1, v2, ...]</c>. Values are encoded by <see cref="ValueCodec"/> with
/// their column types, straight into the response pipe; text the page holds in <paramref name="text"/> is copied through
/// as UTF-8, and the buffer is disposed once the answer is written (or has failed).
/// </summary>
internal sealed class SyncWireResult(ScopeDefinition scope, IReadOnlyList<Mutation> pushed, PushResponse? push, PullResponse? page, Utf8TextBuffer? text = null) : IResult
{
    // Bytes between flushes to the network (and so through the compressor). Counted from the writer's committed and
    // pending bytes: BytesPending alone never reaches this, since the writer hands each 4 KB pipe segment over as it
    // fills it, so a threshold on it alone held the whole page back until its end.
    private const int FlushThreshold = 128 * 1024;

    // Indic text stays UTF-8 (3 bytes a character) instead of \uXXXX escapes (6); HTML-sensitive characters are
    // still escaped, which a JSON API never needs but costs nothing.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public PushResponse? Push => push;

    public PullResponse? Page => page;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            await WriteAsync(httpContext);
        }
        finally
        {
            text?.Dispose();
        }
    }

    private async Task WriteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        var pipe = response.BodyWriter;
        var cancellationToken = httpContext.RequestAborted;
        await using var writer = new Utf8JsonWriter(pipe, WriterOptions);
        writer.WriteStartObject();
        if (push is not null)
        {
            writer.WriteStartArray("results");
            for (var i = 0; i < push.Results.Count; i++)
            {
                // The engine answers each mutation in push order; the mutation names the table the row values belong to.
                var result = push.Results[i];
                var table = i < pushed.Count && pushed[i].Id == result.Id ? pushed[i].Table : pushed.FirstOrDefault(m => m.Id == result.Id)?.Table;
                WriteResult(writer, result, table);
                await FlushIfFullAsync(writer, pipe, cancellationToken);
            }

            writer.WriteEndArray();
        }

        if (page is not null)
        {
            var first = true;
            foreach (var _ in PullPageJson.WriteProperties(writer, scope, page))
            {
                if (first)
                {
                    // The cursor and hasMore lead the page: send them with the first row, so a client reading ahead
                    // asks for the next page while this one is still being written (PROTOCOL.md 5.2).
                    first = false;
                    await FlushAsync(writer, pipe, cancellationToken);
                }
                else
                {
                    await FlushIfFullAsync(writer, pipe, cancellationToken);
                }
            }
        }

        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        await pipe.FlushAsync(cancellationToken);
    }

    private void WriteResult(Utf8JsonWriter writer, MutationResult result, string? tableName)
    {
        writer.WriteStartObject();
        writer.WriteString("id", result.Id);
        writer.WriteString("status", result.Status switch
        {
            MutationStatus.Applied => "applied",
            MutationStatus.Merged => "merged",
            MutationStatus.Conflict => "conflict",
            _ => "rejected",
        });
        if (result.Code is not null)
        {
            writer.WriteString("code", result.Code);
        }

        if (result.Message is not null)
        {
            writer.WriteString("message", result.Message);
        }

        if (result.Row is { } row)
        {
            writer.WriteStartObject("row");
            writer.WriteNumber("version", row.Version);
            writer.WriteBoolean("absent", row.Absent);
            if (row.Values is not null && tableName is not null && scope.TryGetTable(tableName, out var st) && st.Table.Columns.Count == row.Values.Count)
            {
                writer.WriteStartArray("values");
                for (var i = 0; i < row.Values.Count; i++)
                {
                    ValueCodec.WriteJson(writer, st.Table.Columns[i].Type, row.Values[i]);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private long _flushedThrough;

    private async ValueTask FlushIfFullAsync(Utf8JsonWriter writer, PipeWriter pipe, CancellationToken cancellationToken)
    {
        if (writer.BytesCommitted + writer.BytesPending - _flushedThrough >= FlushThreshold)
        {
            await FlushAsync(writer, pipe, cancellationToken);
        }
    }

    private async ValueTask FlushAsync(Utf8JsonWriter writer, PipeWriter pipe, CancellationToken cancellationToken)
    {
        writer.Flush();
        _flushedThrough = writer.BytesCommitted;
        await pipe.FlushAsync(cancellationToken);
    }
}
