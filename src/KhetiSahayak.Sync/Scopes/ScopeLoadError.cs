namespace KhetiSahayak.Sync.Scopes;

/// <summary>One validation problem in a scope file.</summary>
public sealed record ScopeLoadError(string File, string JsonPath, string Reason)
{
    public override string ToString() => $"{File}: {JsonPath}: {Reason}";
}
