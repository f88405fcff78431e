using KhetiSahayak.Server.Infrastructure.Auth;
using KhetiSahayak.Server.Infrastructure.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Features.Dev;

/// <summary>
/// Development-only conveniences: demo data at start and <c>POST /dev/token</c> for demo and simulation tokens.
/// Program.cs maps them only in Development; elsewhere the route does not exist (404).
/// </summary>
internal static class DevApi
{
    public static IHostApplicationBuilder AddDevApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoDataOptions>().BindConfiguration(DemoDataOptions.SectionName);
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddHostedService<DemoDataSeeder>();
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapDevApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/dev").AllowAnonymous();
        group.MapPost("/token", IssueToken);
        return app;
    }

    public static Results<Ok<DevTokenResponse>, ProblemHttpResult> IssueToken(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] DevTokenRequest? request, TokenIssuer issuer, IOptions<AuthOptions> auth)
    {
        var role = request?.Role ?? SyncClaims.FarmerRole;
        Guid userId;
        Guid? farmerId;
        switch (role)
        {
            case SyncClaims.FarmerRole:
                farmerId = request?.FarmerId ?? request?.UserId ?? DemoIds.Farmer;
                userId = request?.UserId ?? farmerId.Value;
                break;
            case SyncClaims.OfficerRole:
                farmerId = null;
                userId = request?.UserId ?? DemoIds.Officer;
                break;
            default:
                return Problems.Result(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, $"role must be '{SyncClaims.FarmerRole}' or '{SyncClaims.OfficerRole}'.");
        }

        var deviceId = request?.DeviceId ?? Guid.CreateVersion7();
        var lifetime = auth.Value.DevTokenLifetime;
        var token = issuer.Issue(userId, role, deviceId, farmerId, lifetime);
        return TypedResults.Ok(new DevTokenResponse(token, "Bearer", (long)lifetime.TotalSeconds, userId, role, farmerId, deviceId));
    }
}
