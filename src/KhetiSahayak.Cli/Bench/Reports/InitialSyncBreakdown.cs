namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>
/// Where an initial sync's time and bytes go. The device asks for the next page while it applies the current one, so
/// of the measured sync, <see cref="TransportSeconds"/> is the time a request was in flight (waiting for the server,
/// decompression) and <see cref="DeviceNotOverlappedSeconds"/> the rest: device work that no request hid. Separate
/// passes over the same pages then time: the device applying them to a fresh replica alone, from the page JSON as the
/// SDK does (reading and binding values, SQLite writes and cursor commits, <see cref="DeviceApplySeconds"/>); the
/// server engine alone (no HTTP), of it the store's reads; the page JSON writing and brotli compression the server
/// does, replayed here; the HTTP fetch alone (everything the server does plus loopback transfer); the client's
/// decompression; and the JSON parse and value decoding of the decoded pull (<c>PullAsync</c>), which a device sync
/// no longer does.
/// Bytes: bare values as one brotli stream and per page, the server's page JSON compressed in one go, what the server
/// actually sent (compressed bodies, streamed with flushes), and the rest of the wire (headers, request bodies).
/// The device side alone is the device's own work plus the client's decompression: what a phone
/// spends on its CPU when the server is elsewhere and pages arrive as fast as it takes them.
/// </summary>
internal sealed record InitialSyncBreakdown(
    double TransportSeconds,
    double DeviceNotOverlappedSeconds,
    double DeviceApplySeconds,
    double EngineOnlySeconds,
    double StoreReadSeconds,
    double ServerJsonWriteSeconds,
    double ServerCompressSeconds,
    double HttpFetchSeconds,
    double ClientDecompressSeconds,
    double ClientParseSeconds,
    double ClientDecodeSeconds,
    long BareBrotliWholeStreamBytes,
    long BareBrotliPerPageBytes,
    long PageJsonBytes,
    long PageJsonBrotliOneShotBytes,
    long ResponseBodyBytes,
    long HeaderAndRequestBytes,
    double AverageRowsPerPage,
    double DeviceSideSeconds = 0,
    double DeviceSideRowsPerSecond = 0,
    double DeviceSideRatio = 0);
