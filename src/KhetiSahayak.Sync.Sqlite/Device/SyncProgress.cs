namespace KhetiSahayak.Sync.Sqlite.Device;

/// <summary>Progress of a sync in flight, reported after each push batch and each committed page.</summary>
public sealed record SyncProgress(int Pushed, int Pages, int Rows);
