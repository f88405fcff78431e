using System.CommandLine;
using System.CommandLine.Parsing;

namespace KhetiSahayak.Cli.Bench;

/// <summary>The options every <c>kheti bench</c> scenario takes; one instance per scenario command.</summary>
internal sealed class BenchOptions
{
    public Option<string> Store { get; } = new Option<string>("--store")
    {
        Description = "Server store: sqlite (a new file) or postgres (a new database, dropped after)",
        DefaultValueFactory = _ => "sqlite",
    }.AcceptOnlyFromAmong("sqlite", "postgres");

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = $"PostgreSQL admin connection string for --store postgres (default: ${BenchSettings.PostgresEnvironmentVariable})",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print exactly one JSON object on stdout instead of a table" };

    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "Seed of the generated data (the same seed gives the same rows)",
        DefaultValueFactory = _ => BenchSettings.DefaultSeed,
    };

    public Option<DirectoryInfo?> Scopes { get; } = new("--scopes") { Description = "The sync-scopes folder (found automatically inside the repository)" };

    public Option<DirectoryInfo?> WorkDir { get; } = new("--work-dir") { Description = "Keep device and server files here instead of a temp folder that is removed" };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Server configuration KEY=VALUE, repeatable (e.g. --set Sync:MaxConcurrentSyncs=128)",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> NoAnalyze { get; } = new("--no-analyze")
    {
        Description = "PostgreSQL: do not ANALYZE after seeding (measures a sync right after a bulk load, before autovacuum catches up)",
    };

    public BenchOptions()
    {
        Set.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.IndexOf('=', StringComparison.Ordinal) < 1)
                {
                    result.AddError($"--set: '{token.Value}' is not KEY=VALUE");
                }
            }
        });
    }

    /// <summary>Adds the options to a scenario command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Store);
        command.Options.Add(Postgres);
        command.Options.Add(Json);
        command.Options.Add(Seed);
        command.Options.Add(Scopes);
        command.Options.Add(WorkDir);
        command.Options.Add(Set);
        command.Options.Add(NoAnalyze);
    }

    /// <summary>The settings these options describe; the PostgreSQL connection string falls back to the environment.</summary>
    public BenchSettings Read(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var store = parse.GetValue(Store) == "postgres" ? BenchStore.Postgres : BenchStore.Sqlite;
        var postgres = parse.GetValue(Postgres);
        if (string.IsNullOrWhiteSpace(postgres))
        {
            postgres = Environment.GetEnvironmentVariable(BenchSettings.PostgresEnvironmentVariable);
        }

        var server = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in parse.GetValue(Set) ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            server[pair[..eq]] = pair[(eq + 1)..];
        }

        return new BenchSettings
        {
            Store = store,
            PostgresConnectionString = string.IsNullOrWhiteSpace(postgres) ? null : postgres,
            Seed = parse.GetValue(Seed),
            ScopesDirectory = parse.GetValue(Scopes)?.FullName,
            WorkDirectory = parse.GetValue(WorkDir)?.FullName,
            ServerSettings = server,
            SkipAnalyze = parse.GetValue(NoAnalyze),
        };
    }

    /// <summary>A positive whole number option with a default.</summary>
    public static Option<int> Positive(string name, string description, int defaultValue, int minimum = 1)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < minimum)
            {
                result.AddError($"{name} must be at least {minimum}");
            }
        });
        return option;
    }
}
