using System.ComponentModel.DataAnnotations;

namespace KhetiSahayak.Server.Infrastructure.Auth;

/// <summary>How access tokens (JWT, HS256) are validated and, in Development, issued.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    [Required]
    public string Issuer { get; set; } = "kheti-sahayak";

    [Required]
    public string Audience { get; set; } = "kheti-sahayak-sync";

    /// <summary>The HMAC key, at least 32 characters. From the environment (Auth__SigningKey); Development has a fixed one.</summary>
    [Required(ErrorMessage = "Auth:SigningKey is required outside Development (set the environment variable Auth__SigningKey).")]
    [MinLength(32)]
    public string? SigningKey { get; set; }

    /// <summary>Lifetime of tokens the Development token endpoint issues.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromDays(7);
}
