namespace KhetiSahayak.Server.Features.Snapshots;

/// <summary>One built snapshot on the node's disk: its file, strong entity tag (SHA-256 of the bytes, hex) and build time.</summary>
internal sealed record SnapshotFile(string Path, string Sha256, DateTimeOffset CreatedAt, long Length);
