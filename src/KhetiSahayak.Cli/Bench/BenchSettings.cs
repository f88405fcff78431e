namespace KhetiSahayak.Cli.Bench;

/// <summary>What every bench scenario needs: the store, the data seed, where files go, server overrides.</summary>
internal sealed record BenchSettings
{
    /// <summary>The default seed: a fixed one, so two runs measure the same rows.</summary>
    public const int DefaultSeed = 20260615;

    /// <summary>The environment variable with the PostgreSQL admin connection string, when --postgres is not given.</summary>
    public const string PostgresEnvironmentVariable = "KHETI_BENCH_POSTGRES";

    public BenchStore Store { get; init; } = BenchStore.Sqlite;

    /// <summary>An admin connection string; the bench creates its own database on that cluster and drops it after.</summary>
    public string? PostgresConnectionString { get; init; }

    public int Seed { get; init; } = DefaultSeed;

    /// <summary>The sync-scopes folder; null means the nearest one above the current or the app's directory.</summary>
    public string? ScopesDirectory { get; init; }

    /// <summary>Where device and server files go; null means a new temp folder, removed afterwards.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Extra server configuration (e.g. <c>Sync:MaxConcurrentSyncs=128</c>), applied last.</summary>
    public IReadOnlyDictionary<string, string> ServerSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// PostgreSQL: skip the ANALYZE after seeding, to measure a sync right after a bulk load, before autovacuum has
    /// refreshed the planner's statistics.
    /// </summary>
    public bool SkipAnalyze { get; init; }

    /// <summary>Progress messages for a human (a status line); null when the output is JSON.</summary>
    public IProgress<string>? Status { get; init; }
}
