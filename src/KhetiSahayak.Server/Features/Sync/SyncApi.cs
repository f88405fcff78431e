using KhetiSahayak.Server.Infrastructure;
using KhetiSahayak.Server.Infrastructure.Auth;
using KhetiSahayak.Server.Infrastructure.Errors;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>
/// The sync endpoints (PROTOCOL.md beside this file): <c>POST /sync/v1/{scope}</c> pushes optional mutations and
/// answers with their results and the first pull page, so a sync with local changes is one request and a sync with
/// nothing to push is one request; <c>/pull</c> serves the further pages; <c>/push</c> pushes without pulling.
/// </summary>
internal static class SyncApi
{
    public static IHostApplicationBuilder AddSyncApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyncHostOptions>().BindConfiguration(SyncHostOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IPostConfigureOptions<SyncHostOptions>, DevelopmentKeys>();
        builder.Services.AddOptions<SyncEngineOptions>().BindConfiguration(SyncEngineOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new CursorProtector(CursorProtector.KeyFromSecret(sp.GetRequiredService<IOptions<SyncHostOptions>>().Value.CursorKey!)));
        builder.Services.AddSingleton<IScopeParameterResolver>(sp => new ScopeParameterResolver(sp.GetRequiredService<KhetiSahayak.Sync.Stores.IServerStore>(), sp.GetRequiredService<ScopeSet>().Catalog));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<SyncEngineOptions>>().Value);
        builder.Services.AddSingleton<SyncEngine>();
        builder.Services.AddSingleton<SyncAdmission>();
        return builder;
    }

    /// <summary>One log line per sync request with its wire bytes; goes first, outside compression.</summary>
    public static IApplicationBuilder UseSyncRequestLogging(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/sync", StringComparison.Ordinal), branch => branch.UseMiddleware<SyncRequestLogging>());

    public static IEndpointRouteBuilder MapSyncApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sync/v1").RequireAuthorization();
        group.MapPost("/{scope}", SyncAsync);
        group.MapPost("/{scope}/push", PushAsync);
        group.MapPost("/{scope}/pull", PullAsync);
        return app;
    }

    public static Task<Results<SyncWireResult, ProblemHttpResult>> SyncAsync(string scope, HttpContext context, [AsParameters] SyncServices services, CancellationToken cancellationToken) =>
        HandleAsync(SyncCall.Sync, scope, context, services, cancellationToken);

    public static Task<Results<SyncWireResult, ProblemHttpResult>> PushAsync(string scope, HttpContext context, [AsParameters] SyncServices services, CancellationToken cancellationToken) =>
        HandleAsync(SyncCall.Push, scope, context, services, cancellationToken);

    public static Task<Results<SyncWireResult, ProblemHttpResult>> PullAsync(string scope, HttpContext context, [AsParameters] SyncServices services, CancellationToken cancellationToken) =>
        HandleAsync(SyncCall.Pull, scope, context, services, cancellationToken);

    private static async Task<Results<SyncWireResult, ProblemHttpResult>> HandleAsync(
        SyncCall call, string scopeName, HttpContext context, SyncServices services, CancellationToken cancellationToken)
    {
        var (engine, protector, admission, loggerFactory) = services;
        var logger = loggerFactory.CreateLogger(typeof(SyncApi));
        var stats = SyncRequestStats.For(context);
        stats.Call = call.ToString().ToLowerInvariant();
        stats.Scope = scopeName;
        if (!SyncClaims.TryGetPrincipal(context.User, out var principal, out var missing))
        {
            return Refuse(stats, Problems.Result(StatusCodes.Status403Forbidden, ProblemCodes.ClaimsMissing, $"The access token lacks claims a sync needs: {missing}."));
        }

        stats.DeviceId = principal.DeviceId;
        var (request, invalid) = await SyncRequestReader.ReadAsync(context.Request, call, cancellationToken);
        if (invalid is not null)
        {
            return Refuse(stats, invalid);
        }

        stats.ScopeVersion = request!.ScopeVersion;
        stats.RowsUp = request.Mutations.Count;
        ScopeDefinition scope;
        try
        {
            scope = engine.ResolveScope(principal, scopeName, request.ScopeVersion);
            if (request.Cursor is not null && request.Mutations.Count > 0)
            {
                // A forged or damaged cursor is bad input: refuse before the push changes anything.
                protector.Unprotect(request.Cursor);
            }
        }
        catch (SyncProtocolException ex)
        {
            return Refuse(stats, SyncProblems.From(ex));
        }

        PushResponse? push = null;
        PullResponse? page = null;
        Utf8TextBuffer? text = null;
        using (var lease = admission.TryEnter())
        {
            if (!lease.IsAcquired)
            {
                SyncLog.Overloaded(logger, principal.DeviceId, scopeName);
                context.Response.Headers.RetryAfter = admission.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Refuse(stats, Problems.Result(StatusCodes.Status429TooManyRequests, ProblemCodes.Overloaded, "The server is busy; retry after the Retry-After delay."));
            }

            try
            {
                if (call == SyncCall.Push || request.Mutations.Count > 0)
                {
                    push = await engine.PushAsync(principal, scope.Name, scope.Version, request.Mutations, cancellationToken);
                }

                if (call != SyncCall.Push)
                {
                    // The page's text stays UTF-8 from the store to the response; the result returns the buffer.
                    text = new Utf8TextBuffer();
                    try
                    {
                        page = await engine.PullAsync(principal, scope.Name, scope.Version, request.Cursor, text, cancellationToken);
                    }
                    catch (SyncProtocolException ex) when (push is not null)
                    {
                        // The push is committed; answer its results and let the client meet the refusal on /pull.
                        SyncLog.PullAfterPushRefused(logger, principal.DeviceId, scope.Name, ex.Code);
                    }
                }
            }
            catch (SyncProtocolException ex)
            {
                text?.Dispose();
                return Refuse(stats, SyncProblems.From(ex));
            }
            catch
            {
                text?.Dispose();
                throw;
            }
        }

        stats.RowsDown = page?.Changes.Sum(c => c.Upserts.Count + c.Deletes.Count) ?? 0;
        stats.Outcome = "ok";
        return new SyncWireResult(scope, request.Mutations, push, page, text);
    }

    private static ProblemHttpResult Refuse(SyncRequestStats stats, ProblemHttpResult problem)
    {
        stats.Outcome = problem.ProblemDetails.Extensions.TryGetValue(Problems.CodeExtension, out var code) ? code as string : null;
        return problem;
    }
}
