namespace KhetiSahayak.Sync.Engine;

/// <summary>The authenticated caller of a sync: who (user, role, farmer) on which device.</summary>
public sealed record SyncPrincipal(Guid UserId, string Role, Guid DeviceId, Guid? FarmerId);
