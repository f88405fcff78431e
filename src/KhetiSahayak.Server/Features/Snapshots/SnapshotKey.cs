using System.Globalization;

namespace KhetiSahayak.Server.Features.Snapshots;

/// <summary>What one snapshot is of: a scope version, a district and a language.</summary>
internal sealed record SnapshotKey(string Scope, int ScopeVersion, long District, string Language)
{
    /// <summary>The file name stem; scope names and language codes hold only [a-z0-9_-], so it is a safe name.</summary>
    public string FileStem => string.Create(CultureInfo.InvariantCulture, $"{Scope}.v{ScopeVersion}.{District}.{Language}");
}
