using KhetiSahayak.Advisories.Import;

namespace KhetiSahayak.Server.Features.Advisories;

/// <summary>
/// 200 with the library's machine-readable report (<see cref="AdvisoryImportReport.WriteJsonAsync"/>, snake_case), the
/// same JSON the CLI writes with <c>--report</c>, rather than the host's camelCase serialization of the summary.
/// </summary>
internal sealed class AdvisoryImportResult(AdvisoryImportSummary summary) : IResult, IStatusCodeHttpResult
{
    public AdvisoryImportSummary Summary => summary;

    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.Headers.CacheControl = "no-store";
        await AdvisoryImportReport.WriteJsonAsync(summary, httpContext.Response.Body, httpContext.RequestAborted);
    }
}
