namespace KhetiSahayak.Testing;

/// <summary>Finds the repository's folders from a test's output directory.</summary>
public static class RepoPaths
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KhetiSahayak.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("KhetiSahayak.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string SyncScopes => Path.Combine(Root, "sync-scopes");
}
