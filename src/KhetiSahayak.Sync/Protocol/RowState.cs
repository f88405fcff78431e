namespace KhetiSahayak.Sync.Protocol;

/// <summary>
/// The server's row after a mutation, which the device adopts: <see cref="Absent"/> means delete it locally (deleted,
/// or not the device's to see); otherwise <see cref="Values"/> (positional, in the table's column order) replaces the
/// local row, or, when null, the device's own values stand. Either way the row's version becomes <see cref="Version"/>.
/// </summary>
public sealed record RowState(long Version, bool Absent, IReadOnlyList<object?>? Values);
