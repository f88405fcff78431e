namespace KhetiSahayak.Sync.Engine;

/// <summary>
/// Where a device stands in a scope, carried by the device and signed by the server so that no sync state lives on
/// a server node. At rest (<see cref="To"/> null) it says which changes the device has; during a paged pull it also
/// says where the pull stands.
/// </summary>
/// <param name="From">The store watermark the device's data is complete up to; null before the first pull completes.</param>
/// <param name="To">The watermark the pull in progress is heading to; null at rest.</param>
/// <param name="Parameters">The filter parameters the device's data reflects (at rest) or the pull delivers (in progress).</param>
/// <param name="PreviousParameters">During a pull that re-scopes the device, the parameters its data reflected before.</param>
public sealed record SyncCursor(
    string Scope,
    int ScopeVersion,
    Guid DeviceId,
    string? From,
    string? To,
    string Parameters,
    string? PreviousParameters,
    PullPhase Phase,
    int TableIndex,
    long AfterVersion,
    string AfterKey);
