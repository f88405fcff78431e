using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>A checked sync request: the scope version, the cursor to pull from and the mutations to push.</summary>
internal sealed record SyncRequest(int ScopeVersion, string? Cursor, IReadOnlyList<Mutation> Mutations);
