namespace KhetiSahayak.Cli.Bench;

/// <summary>The server store a bench runs against.</summary>
internal enum BenchStore
{
    Sqlite,
    Postgres,
}
