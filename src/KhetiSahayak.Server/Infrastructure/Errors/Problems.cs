using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KhetiSahayak.Server.Infrastructure.Errors;

/// <summary>RFC 9457 problem answers with the stable <c>code</c> extension.</summary>
internal static class Problems
{
    public const string CodeExtension = "code";

    public static ProblemHttpResult Result(int status, string code, string detail, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { [CodeExtension] = code };
        if (extra is not null)
        {
            foreach (var (k, v) in extra)
            {
                extensions[k] = v;
            }
        }

        return TypedResults.Problem(detail: detail, statusCode: status, extensions: extensions);
    }

    /// <summary>Writes a problem outside an endpoint (authentication events, middleware).</summary>
    public static Task WriteAsync(HttpContext context, int status, string code, string detail, Exception? exception = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = new ProblemDetails { Status = status, Detail = detail };
        problem.Extensions[CodeExtension] = code;
        return WriteAsync(context, problem, exception);
    }

    private static async Task WriteAsync(HttpContext context, ProblemDetails problem, Exception? exception)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception }))
        {
            // Every problem is JSON, even for a client that only accepts something else.
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", cancellationToken: context.RequestAborted);
        }
    }
}
