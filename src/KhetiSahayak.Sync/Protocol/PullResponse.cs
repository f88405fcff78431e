namespace KhetiSahayak.Sync.Protocol;

/// <summary>
/// One page of a pull. The device applies <see cref="Changes"/> and stores <see cref="Cursor"/> in one local
/// transaction, then asks again with that cursor while <see cref="HasMore"/> is true.
/// </summary>
public sealed record PullResponse(IReadOnlyList<TableChanges> Changes, string Cursor, bool HasMore);
