namespace KhetiSahayak.Sync.Client;

/// <summary>A complete, verified snapshot file on the device.</summary>
/// <param name="Path">Where the file is.</param>
/// <param name="ETag">The server's strong entity tag, the SHA-256 of the bytes (hex, without quotes).</param>
/// <param name="Length">Bytes in the file.</param>
/// <param name="BytesTransferred">Body bytes received by this call (less than <paramref name="Length"/> when it resumed).</param>
/// <param name="Requests">HTTP requests this call made.</param>
public sealed record SnapshotDownload(string Path, string ETag, long Length, long BytesTransferred, int Requests);
