using KhetiSahayak.Sync.Engine;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>What the sync handlers need from DI, bound with [AsParameters].</summary>
internal sealed record SyncServices(SyncEngine Engine, CursorProtector Protector, SyncAdmission Admission, ILoggerFactory LoggerFactory);
