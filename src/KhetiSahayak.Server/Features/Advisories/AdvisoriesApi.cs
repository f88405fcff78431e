using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Server.Infrastructure.Auth;
using KhetiSahayak.Server.Infrastructure.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace KhetiSahayak.Server.Features.Advisories;

/// <summary>
/// <c>POST /advisories/v1/imports</c>: an extension officer uploads a CSV or JSON file of advisories, streamed into
/// <see cref="AdvisoryImporter"/>, and gets the import report. Valid records land even when others are rejected, so
/// the answer is 200 with the report whenever the file was read (also when no record was valid: the report says why);
/// request-level problems are ProblemDetails: 401, 403 <c>forbidden_role</c>, 413 <c>body_too_large</c>,
/// 415 <c>unsupported_media_type</c>, 503 <c>reference_data_missing</c>.
/// </summary>
internal static class AdvisoriesApi
{
    public const string CsvMediaType = "text/csv";
    public const string JsonMediaType = "application/json";

    public static IHostApplicationBuilder AddAdvisoriesApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdvisoriesOptions>().BindConfiguration(AdvisoriesOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AdvisoryImportOptions>().BindConfiguration(AdvisoryImportOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AdvisoryReference>();
        builder.Services.AddHostedService<AdvisoryReferenceLoader>();
        builder.Services.AddHostedService<AdvisoryExpiryService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAdvisoriesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/advisories/v1").RequireAuthorization();
        group.MapPost("/imports", ImportAsync);
        return app;
    }

    public static async Task<Results<AdvisoryImportResult, ProblemHttpResult>> ImportAsync(
        HttpContext context, [AsParameters] AdvisoryImportServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        if (context.User.FindFirst(SyncClaims.Role)?.Value != SyncClaims.OfficerRole)
        {
            return Problems.Result(StatusCodes.Status403Forbidden, ProblemCodes.ForbiddenRole, $"Only the {SyncClaims.OfficerRole} role may import advisories.");
        }

        if (FormatOf(context.Request.ContentType) is not { } format)
        {
            return Problems.Result(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                $"Send the file as Content-Type: {CsvMediaType} or {JsonMediaType} (UTF-8).",
                new Dictionary<string, object?> { ["supported"] = new[] { CsvMediaType, JsonMediaType } });
        }

        if (services.Reference.Lgd is not { } lgd)
        {
            return Problems.Result(StatusCodes.Status503ServiceUnavailable, ProblemCodes.ReferenceDataMissing,
                "The LGD reference data is not loaded on this server, so targets cannot be checked; nothing was imported.");
        }

        var maxBytes = services.Options.Value.MaxImportBodyBytes;
        if (context.Request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        // The import limit replaces the (smaller) sync limit for this request; it still applies as bytes are read.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = maxBytes;
        }

        var logger = services.LoggerFactory.CreateLogger(typeof(AdvisoriesApi));
        var userId = context.User.FindFirst(SyncClaims.Subject)?.Value;
        var importer = new AdvisoryImporter(services.Store, services.Scopes.Catalog, lgd, services.Reference.Crops, services.Time, services.ImportOptions.Value);
        await using var body = new BoundedReadStream(context.Request.Body, maxBytes);
        AdvisoryImportSummary summary;
        try
        {
            summary = await importer.ImportAsync(body, format, progress: null, cancellationToken);
        }
        catch (Exception ex) when (body.Exceeded || ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            AdvisoriesLog.BodyTooLarge(logger, userId, maxBytes);
            return TooLarge(maxBytes);
        }

        if (body.Exceeded)
        {
            // A reader reported the failed read as malformed input; the cause is the size.
            AdvisoriesLog.BodyTooLarge(logger, userId, maxBytes);
            return TooLarge(maxBytes);
        }

        AdvisoriesLog.Imported(logger, userId, format, summary.Read, summary.Inserted, summary.Updated, summary.Unchanged, summary.Rejected,
            summary.Errors, summary.Warnings, summary.Aborted);
        return new AdvisoryImportResult(summary);
    }

    /// <summary>The import format of a Content-Type (<c>text/csv</c>, <c>application/json</c>, UTF-8 or no charset), or null.</summary>
    public static AdvisoryInputFormat? FormatOf(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return null;
        }

        if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (media.MediaType.Equals(CsvMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return AdvisoryInputFormat.Csv;
        }

        return media.MediaType.Equals(JsonMediaType, StringComparison.OrdinalIgnoreCase) ? AdvisoryInputFormat.Json : null;
    }

    private static ProblemHttpResult TooLarge(long maxBytes) =>
        Problems.Result(StatusCodes.Status413PayloadTooLarge, ProblemCodes.BodyTooLarge,
            $"The file is larger than this server imports at once ({maxBytes} bytes); split it. Records before the limit may have been imported; re-importing them changes nothing.",
            new Dictionary<string, object?> { ["max_bytes"] = maxBytes });
}
