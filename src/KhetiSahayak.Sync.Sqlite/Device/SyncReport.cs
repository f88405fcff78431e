namespace KhetiSahayak.Sync.Sqlite.Device;

/// <summary>What one sync moved.</summary>
public sealed record SyncReport(int Pushed, int Applied, int Conflicts, int Rejected, int Pages, int RowsUpserted, int RowsDeleted, bool Replacement);
