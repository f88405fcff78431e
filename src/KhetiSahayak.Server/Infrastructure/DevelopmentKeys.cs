using KhetiSahayak.Server.Features.Sync;
using KhetiSahayak.Server.Infrastructure.Auth;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Infrastructure;

/// <summary>
/// Fixed, public keys so that <c>dotnet run</c> works on a fresh checkout. They apply only in Development and only when
/// no key is configured; everywhere else a missing key fails start-up (ValidateOnStart).
/// </summary>
internal sealed class DevelopmentKeys(IHostEnvironment environment) : IPostConfigureOptions<AuthOptions>, IPostConfigureOptions<SyncHostOptions>
{
    internal const string SigningKey = "kheti-sahayak-development-signing-key-not-a-secret";
    internal const string CursorKey = "kheti-sahayak-development-cursor-key-not-a-secret";

    public void PostConfigure(string? name, AuthOptions options)
    {
        if (environment.IsDevelopment() && string.IsNullOrEmpty(options.SigningKey))
        {
            options.SigningKey = SigningKey;
        }
    }

    public void PostConfigure(string? name, SyncHostOptions options)
    {
        if (environment.IsDevelopment() && string.IsNullOrEmpty(options.CursorKey))
        {
            options.CursorKey = CursorKey;
        }
    }
}
