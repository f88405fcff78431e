using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Cli;

/// <summary>Finds and loads the scope definitions the device side is built with.</summary>
internal static class ScopeFiles
{
    public static ScopeSet Load(string? directory)
    {
        var dir = directory ?? Find(Directory.GetCurrentDirectory()) ?? Find(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("cannot find the sync-scopes folder; pass --scopes DIR");
        return ScopeLoader.LoadDirectory(dir);
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
