namespace KhetiSahayak.Server.Features.Dev;

/// <summary>Who the Development token is for; every field is optional (default: the demo farmer on a new device).</summary>
public sealed record DevTokenRequest(string? Role, Guid? UserId, Guid? FarmerId, Guid? DeviceId);
