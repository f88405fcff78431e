using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KhetiSahayak.Server.Infrastructure.Auth;

/// <summary>
/// Issues access tokens signed with the configured key. Production tokens come from the identity service; this serves
/// the Development token endpoint, simulations and tests.
/// </summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>Issues a token for a user on a device, valid from now for <paramref name="lifetime"/>.</summary>
    public string Issue(Guid userId, string role, Guid deviceId, Guid? farmerId, TimeSpan lifetime) =>
        Issue(userId, role, deviceId, farmerId, time.GetUtcNow(), lifetime);

    /// <summary>Issues a token as of <paramref name="issuedAt"/> (tests issue tokens that have already expired).</summary>
    public string Issue(Guid userId, string role, Guid deviceId, Guid? farmerId, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        var auth = options.Value;
        var claims = new List<Claim>
        {
            new(SyncClaims.Subject, userId.ToString("D")),
            new(SyncClaims.Role, role),
            new(SyncClaims.DeviceId, deviceId.ToString("D")),
        };
        if (farmerId is { } f)
        {
            claims.Add(new Claim(SyncClaims.FarmerId, f.ToString("D")));
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = (issuedAt + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey(auth), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    internal static SymmetricSecurityKey SigningKey(AuthOptions auth) =>
        new(Encoding.UTF8.GetBytes(auth.SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not configured.")));
}
