using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Cli.Bench;

/// <summary>
/// Finds the sync-scopes folder the way <see cref="ScopeFiles"/> does; the bench needs the folder itself, not only the
/// loaded scopes, because the in-process server is pointed at the same files.
/// </summary>
internal static class BenchScopes
{
    public static string FindDirectory(string? configured)
    {
        if (configured is not null)
        {
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : throw new DirectoryNotFoundException($"--scopes: '{configured}' does not exist");
        }

        return Find(Directory.GetCurrentDirectory()) ?? Find(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("cannot find the sync-scopes folder; pass --scopes DIR");
    }

    private static string? Find(string start)
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "sync-scopes");
            if (File.Exists(Path.Combine(candidate, ScopeLoader.CatalogFileName)))
            {
                return candidate;
            }
        }

        return null;
    }
}
