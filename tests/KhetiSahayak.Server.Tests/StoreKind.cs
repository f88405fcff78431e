namespace KhetiSahayak.Server.Tests;

/// <summary>The server store a test host runs on.</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}
