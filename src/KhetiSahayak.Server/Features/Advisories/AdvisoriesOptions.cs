using System.ComponentModel.DataAnnotations;

namespace KhetiSahayak.Server.Features.Advisories;

/// <summary>The host's side of advisories: where the LGD reference data is, how large an import may be, and expiry.</summary>
public sealed class AdvisoriesOptions
{
    public const string SectionName = "Advisories";

    /// <summary>
    /// The folder with the LGD dumps (states.csv, districts.csv, blocks.csv), relative to the content root; empty means
    /// the nearest <c>shared/data/lgd</c> above the content root. Without it the server starts and imports answer 503.
    /// </summary>
    public string? LgdPath { get; set; }

    /// <summary>Largest import body in bytes (as sent); the body is streamed, so this bounds time and disk, not memory.</summary>
    [Range(1_024, 4L * 1024 * 1024 * 1024)]
    public long MaxImportBodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How often published advisories past their <c>valid_to</c> are marked expired; the first run is one interval after start.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Advisories expired per write transaction.</summary>
    [Range(1, 10_000)]
    public int ExpiryBatchSize { get; set; } = 500;
}
