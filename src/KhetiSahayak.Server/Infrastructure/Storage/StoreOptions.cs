using System.ComponentModel.DataAnnotations;

namespace KhetiSahayak.Server.Infrastructure.Storage;

/// <summary>Which server store to use: the embedded SQLite file (default) or PostgreSQL.</summary>
public sealed class StoreOptions : IValidatableObject
{
    public const string SectionName = "Store";

    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    [Required]
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Store:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = Sqlite;

    /// <summary>The SQLite file, relative to the content root unless absolute.</summary>
    [Required]
    public string SqlitePath { get; set; } = "kheti.db";

    /// <summary>Needed when <see cref="Provider"/> is postgres; comes from the environment (Store__PostgresConnectionString).</summary>
    public string? PostgresConnectionString { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == Postgres && string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            yield return new ValidationResult("Store:PostgresConnectionString is required when Store:Provider is 'postgres'.", [nameof(PostgresConnectionString)]);
        }
    }
}
