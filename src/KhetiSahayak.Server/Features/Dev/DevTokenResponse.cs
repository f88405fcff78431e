namespace KhetiSahayak.Server.Features.Dev;

/// <summary>A Development access token and the identities it carries.</summary>
public sealed record DevTokenResponse(string AccessToken, string TokenType, long ExpiresIn, Guid UserId, string Role, Guid? FarmerId, Guid DeviceId);
