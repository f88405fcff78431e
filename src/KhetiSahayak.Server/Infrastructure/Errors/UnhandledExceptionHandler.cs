using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace KhetiSahayak.Server.Infrastructure.Errors;

/// <summary>
/// The one place unexpected exceptions become answers: a ProblemDetails with a stable code, and outside Development
/// never the exception's text. Unreadable requests that surface as exceptions become 4xx here, not 500.
/// </summary>
internal sealed partial class UnhandledExceptionHandler(IHostEnvironment environment, ILogger<UnhandledExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, ProblemCodes.BodyTooLarge, "The request body is larger than this server accepts."),
            BadHttpRequestException bad when bad.StatusCode is >= 400 and < 500 => (bad.StatusCode, ProblemCodes.ForStatus(bad.StatusCode), "The request could not be read."),
            DbException { IsTransient: true } => (503, ProblemCodes.Unavailable, "The database is busy; try again shortly."),
            _ => (500, ProblemCodes.InternalError, "Something went wrong on the server; try again later."),
        };

        if (status >= 500)
        {
            LogUnhandled(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
            if (status == 503)
            {
                httpContext.Response.Headers.RetryAfter = "5";
            }
        }

        if (status == 500 && environment.IsDevelopment())
        {
            detail = exception.ToString();
        }

        await Problems.WriteAsync(httpContext, status, code, detail, exception);
        return true;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, PathString path, Exception exception);
}
