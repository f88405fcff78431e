using KhetiSahayak.Server.Infrastructure.Errors;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace KhetiSahayak.Server.Infrastructure.Auth;

internal static class AuthenticationExtensions
{
    /// <summary>JWT bearer authentication with our claim names, answering 401/403 as ProblemDetails.</summary>
    public static IHostApplicationBuilder AddTokenAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IPostConfigureOptions<AuthOptions>, DevelopmentKeys>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                // Keep "sub", "role" etc. as they are in the token instead of the WS-Federation URIs.
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKey = TokenIssuer.SigningKey(auth.Value),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = SyncClaims.Subject,
                    RoleClaimType = SyncClaims.Role,
                    ClockSkew = TimeSpan.FromMinutes(1),
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnChallenge = ChallengeAsync,
                    OnForbidden = context => Problems.WriteAsync(context.HttpContext, 403, ProblemCodes.Forbidden, "This token may not do that."),
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    private static Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var (code, detail) = context.AuthenticateFailure switch
        {
            SecurityTokenExpiredException => (ProblemCodes.TokenExpired, "The access token has expired; get a new one."),
            null when string.IsNullOrEmpty(context.Request.Headers.Authorization) => (ProblemCodes.TokenMissing, "Send an access token: Authorization: Bearer <token>."),
            _ => (ProblemCodes.TokenInvalid, "The access token is not valid here."),
        };
        context.Response.Headers.WWWAuthenticate = code == ProblemCodes.TokenMissing ? "Bearer" : "Bearer error=\"invalid_token\"";
        return Problems.WriteAsync(context.HttpContext, 401, code, detail);
    }
}
