using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Sync.Sqlite.Device;

/// <summary>A local change ready to push, with what the device needs to settle it when the result comes back.</summary>
public sealed record PendingChange(Mutation Mutation, string Table, string Key, long Sequence, IReadOnlyList<object?>? SentValues);
