using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using KhetiSahayak.Sync.Engine;

namespace KhetiSahayak.Server.Infrastructure.Auth;

/// <summary>The token claims a sync needs and how they become a <see cref="SyncPrincipal"/>.</summary>
public static class SyncClaims
{
    /// <summary>The user id (UUID).</summary>
    public const string Subject = "sub";

    /// <summary><c>farmer</c> or <c>extension_officer</c>; a scope names the role it serves.</summary>
    public const string Role = "role";

    /// <summary>The farmer the user acts for (UUID); required for the farmer role.</summary>
    public const string FarmerId = "farmer_id";

    /// <summary>The device (UUID); cursors and mutation ids are bound to it.</summary>
    public const string DeviceId = "device_id";

    public const string FarmerRole = "farmer";

    public const string OfficerRole = "extension_officer";

    /// <summary>Builds the principal from the authenticated user's claims; <paramref name="missing"/> names what is absent or malformed.</summary>
    public static bool TryGetPrincipal(ClaimsPrincipal user, [NotNullWhen(true)] out SyncPrincipal? principal, [NotNullWhen(false)] out string? missing)
    {
        ArgumentNullException.ThrowIfNull(user);
        principal = null;
        var problems = new List<string>();
        var userId = ReadGuid(user, Subject, problems);
        var deviceId = ReadGuid(user, DeviceId, problems);
        var role = user.FindFirst(Role)?.Value;
        if (string.IsNullOrWhiteSpace(role))
        {
            problems.Add(Role);
        }

        Guid? farmerId = null;
        if (user.FindFirst(FarmerId)?.Value is { } farmerText)
        {
            if (Guid.TryParse(farmerText, out var f))
            {
                farmerId = f;
            }
            else
            {
                problems.Add(FarmerId);
            }
        }
        else if (role == FarmerRole)
        {
            problems.Add(FarmerId);
        }

        if (problems.Count > 0)
        {
            missing = string.Join(", ", problems);
            return false;
        }

        missing = null;
        principal = new SyncPrincipal(userId, role!, deviceId, farmerId);
        return true;
    }

    private static Guid ReadGuid(ClaimsPrincipal user, string type, List<string> problems)
    {
        if (Guid.TryParse(user.FindFirst(type)?.Value, out var value) && value != Guid.Empty)
        {
            return value;
        }

        problems.Add(type);
        return Guid.Empty;
    }
}
