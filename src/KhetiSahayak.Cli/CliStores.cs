using KhetiSahayak.Sync.PostgreSql;
using KhetiSahayak.Sync.Sqlite;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Cli;

/// <summary>The server store a command writes into, from its <c>--store</c>, <c>--sqlite-path</c> and <c>--postgres</c> options.</summary>
internal static class CliStores
{
    /// <summary>The store, or null with the usage error that says which option is missing.</summary>
    public static IServerStore? Open(string store, FileInfo? sqlitePath, string? postgres, out string? usageError)
    {
        usageError = null;
        switch (store)
        {
            case "sqlite" when sqlitePath is not null:
                return new SqliteServerStore(sqlitePath.FullName);
            case "postgres" when !string.IsNullOrWhiteSpace(postgres):
                return new PostgresServerStore(postgres);
            case "sqlite":
                usageError = "--store sqlite needs --sqlite-path PATH";
                return null;
            default:
                usageError = "--store postgres needs --postgres CONNECTION_STRING";
                return null;
        }
    }
}
