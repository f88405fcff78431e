using System.Globalization;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Server.Features.Sync;
using KhetiSahayak.Server.Infrastructure.Auth;
using KhetiSahayak.Server.Infrastructure.Errors;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace KhetiSahayak.Server.Features.Snapshots;

/// <summary>
/// <c>GET /sync/v1/{scope}/snapshots/{district}/{language}?scopeVersion=N</c>: a new device's first install as one
/// brotli-compressed file of the district's advisory data in one language, with a strong ETag (SHA-256 of the bytes),
/// Range / If-Range for resuming and If-None-Match for revalidating. The body ends with a snapshot cursor the device
/// continues from with ordinary syncs (PROTOCOL.md, "First install from a snapshot").
/// </summary>
internal static class SnapshotsApi
{
    /// <summary>Brotli-compressed JSON Lines; sent as the body's own type, not as Content-Encoding, so ranges address stored bytes.</summary>
    public const string MediaType = "application/vnd.kheti.snapshot.v1";

    public static IHostApplicationBuilder AddSnapshotsApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SnapshotOptions>().BindConfiguration(SnapshotOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SnapshotCache>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSnapshotsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sync/v1").RequireAuthorization();
        group.MapGet("/{scope}/snapshots/{district}/{language}", GetAsync);
        return app;
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetAsync(
        string scope, string district, string language, HttpContext context, [AsParameters] SnapshotServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        var stats = SyncRequestStats.For(context);
        stats.Call = "snapshot";
        stats.Scope = scope;
        if (!SyncClaims.TryGetPrincipal(context.User, out var principal, out var missing))
        {
            return Refuse(stats, Problems.Result(StatusCodes.Status403Forbidden, ProblemCodes.ClaimsMissing, $"The access token lacks claims a sync needs: {missing}."));
        }

        stats.DeviceId = principal.DeviceId;
        if (!int.TryParse(context.Request.Query["scopeVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var scopeVersion))
        {
            return Refuse(stats, SyncProblems.Invalid("Give the app's scope version as the query parameter scopeVersion (a positive integer)."));
        }

        stats.ScopeVersion = scopeVersion;
        ScopeDefinition definition;
        try
        {
            definition = services.Engine.ResolveScope(principal, scope, scopeVersion);
        }
        catch (SyncProtocolException ex)
        {
            return Refuse(stats, SyncProblems.From(ex));
        }

        if (services.Reference.Lgd is not { } lgd)
        {
            return Refuse(stats, Problems.Result(StatusCodes.Status503ServiceUnavailable, ProblemCodes.ReferenceDataMissing,
                "The LGD reference data is not loaded on this server, so districts cannot be checked; sync without a snapshot."));
        }

        if (!long.TryParse(district, NumberStyles.None, CultureInfo.InvariantCulture, out var districtCode) || !lgd.DistrictExists(districtCode))
        {
            return Refuse(stats, Problems.Result(StatusCodes.Status404NotFound, SnapshotCodes.UnknownDistrict, $"'{Clip(district)}' is not an LGD district code."));
        }

        if (!AdvisoryVocabulary.TryCanonical(AdvisoryVocabulary.Languages, language, out var canonical))
        {
            return Refuse(stats, Problems.Result(StatusCodes.Status404NotFound, SnapshotCodes.UnknownLanguage,
                $"'{Clip(language)}' is not a language advisories are published in.", new Dictionary<string, object?> { ["supported"] = AdvisoryVocabulary.Languages }));
        }

        var key = new SnapshotKey(definition.Name, definition.Version, districtCode, canonical);
        for (var attempt = 0; ; attempt++)
        {
            // Serving a built file takes no database slot; building one takes a slot like a sync.
            var file = services.Cache.FindFresh(key) ?? await services.Cache.GetOrBuildAsync(definition, key, services.Admission.TryEnter, cancellationToken);
            if (file is null)
            {
                SnapshotsLog.Overloaded(services.LoggerFactory.CreateLogger(typeof(SnapshotsApi)), key.Scope, key.District, key.Language);
                context.Response.Headers.RetryAfter = services.Admission.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Refuse(stats, Problems.Result(StatusCodes.Status429TooManyRequests, ProblemCodes.Overloaded, "The server is busy; retry after the Retry-After delay."));
            }

            FileStream stream;
            try
            {
                // FileShare.Delete: a rebuild may replace the file while this download is still reading it.
                stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous);
            }
            catch (FileNotFoundException) when (attempt == 0)
            {
                // Replaced between finding and opening it: find the newer one.
                continue;
            }

            var remaining = services.Options.Value.MaxAge - (services.Time.GetUtcNow() - file.CreatedAt);
            context.Response.Headers.CacheControl = "public, max-age=" + Math.Max(0, (long)remaining.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            stats.Outcome = "ok";
            return TypedResults.Stream(stream, MediaType, fileDownloadName: null, lastModified: file.CreatedAt,
                entityTag: new EntityTagHeaderValue("\"" + file.Sha256 + "\""), enableRangeProcessing: true);
        }
    }

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static ProblemHttpResult Refuse(SyncRequestStats stats, ProblemHttpResult problem)
    {
        stats.Outcome = problem.ProblemDetails.Extensions.TryGetValue(Problems.CodeExtension, out var code) ? code as string : null;
        return problem;
    }
}
