namespace KhetiSahayak.Sync.Client;

/// <summary>What a first install from a snapshot did.</summary>
/// <param name="Installed">False when the device was not empty, so the ordinary first sync applies.</param>
/// <param name="Rows">Rows the snapshot put on the device.</param>
/// <param name="SnapshotBytes">Size of the snapshot file.</param>
/// <param name="BytesTransferred">Body bytes downloaded by this call (less than the file when a download resumed).</param>
public sealed record SnapshotInstallResult(bool Installed, int Rows, long SnapshotBytes, long BytesTransferred);
