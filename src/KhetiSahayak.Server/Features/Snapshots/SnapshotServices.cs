using KhetiSahayak.Server.Features.Advisories;
using KhetiSahayak.Server.Features.Sync;
using KhetiSahayak.Sync.Engine;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Features.Snapshots;

/// <summary>What the snapshot handler needs from DI, bound with [AsParameters].</summary>
internal sealed record SnapshotServices(
    SyncEngine Engine,
    SnapshotCache Cache,
    AdvisoryReference Reference,
    SyncAdmission Admission,
    IOptions<SnapshotOptions> Options,
    TimeProvider Time,
    ILoggerFactory LoggerFactory);
