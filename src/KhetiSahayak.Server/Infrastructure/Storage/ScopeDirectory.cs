namespace KhetiSahayak.Server.Infrastructure.Storage;

/// <summary>Finds the sync-scopes folder: configured, next to the app (copied at build), or above the content root.</summary>
internal static class ScopeDirectory
{
    public const string FolderName = "sync-scopes";

    public static string Find(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.GetFullPath(configured, contentRoot);
            return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"Sync:ScopesPath '{path}' does not exist.");
        }

        var besideApp = Path.Combine(AppContext.BaseDirectory, FolderName);
        if (File.Exists(Path.Combine(besideApp, "catalog.json")))
        {
            return besideApp;
        }

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FolderName);
            if (File.Exists(Path.Combine(candidate, "catalog.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No '{FolderName}' folder next to the app or above '{contentRoot}'; set Sync:ScopesPath.");
    }
}
