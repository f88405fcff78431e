namespace KhetiSahayak.Sync.Engine;

/// <summary>Resolves a principal's filter parameters from its token claims and server-side records.</summary>
public interface IScopeParameterResolver
{
    Task<ScopeParameters> ResolveAsync(SyncPrincipal principal, CancellationToken cancellationToken);
}
