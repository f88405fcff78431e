using System.Diagnostics;
using KhetiSahayak.Server.Infrastructure;
using KhetiSahayak.Server.Infrastructure.Errors;
using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>
/// One log line per sync request, with the body bytes as they crossed the wire (compressed). It sits outside the
/// compression middleware, so it sees what the phone paid for.
/// </summary>
internal sealed class SyncRequestLogging(RequestDelegate next, ILogger<SyncRequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var stats = SyncRequestStats.For(context);
        var started = Stopwatch.GetTimestamp();
        var requestBody = new ByteCountingStream(context.Request.Body, leaveOpen: true);
        var responseBody = new ByteCountingStream(context.Response.Body, leaveOpen: true);
        var originalRequest = context.Request.Body;
        var originalResponse = context.Response.Body;
        context.Request.Body = requestBody;
        context.Response.Body = responseBody;
        var failed = false;
        try
        {
            await next(context);

            // Push what the response pipe still buffers through the counter before it is measured.
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            context.Request.Body = originalRequest;
            context.Response.Body = originalResponse;
            var status = failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            var outcome = stats.Outcome ?? (status < 400 ? "ok" : ProblemCodes.ForStatus(status));
            var durationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var (bytesIn, bytesOut) = (requestBody.BytesRead, responseBody.BytesWritten);
            SyncLog.RequestCompleted(logger, stats.Call, stats.DeviceId, stats.Scope, stats.ScopeVersion, stats.RowsUp, stats.RowsDown, bytesIn, bytesOut, durationMs, status, outcome);
        }
    }
}
