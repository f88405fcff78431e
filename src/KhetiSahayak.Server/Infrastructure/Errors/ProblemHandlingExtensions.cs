namespace KhetiSahayak.Server.Infrastructure.Errors;

internal static class ProblemHandlingExtensions
{
    /// <summary>ProblemDetails for every error answer, a stable code on each, and one handler for the unexpected.</summary>
    public static IHostApplicationBuilder AddProblemHandling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Extensions.TryAdd(Problems.CodeExtension, ProblemCodes.ForStatus(status));
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        });
        builder.Services.AddExceptionHandler<UnhandledExceptionHandler>();
        return builder;
    }
}
