namespace KhetiSahayak.Server.Features.Sync;

/// <summary>Which of the three sync endpoints a request came to.</summary>
internal enum SyncCall
{
    /// <summary><c>POST /sync/v1/{scope}</c>: optional push, then the first pull page.</summary>
    Sync,

    /// <summary><c>POST /sync/v1/{scope}/push</c>: push only.</summary>
    Push,

    /// <summary><c>POST /sync/v1/{scope}/pull</c>: one pull page.</summary>
    Pull,
}
