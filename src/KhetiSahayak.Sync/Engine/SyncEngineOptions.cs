using System.ComponentModel.DataAnnotations;

namespace KhetiSahayak.Sync.Engine;

/// <summary>Limits and retention of the sync engine.</summary>
public sealed class SyncEngineOptions
{
    public const string SectionName = "Sync";

    /// <summary>Rows in one pull page at most.</summary>
    [Range(1, 100_000)]
    public int PageMaxRows { get; set; } = 2_000;

    /// <summary>Approximate uncompressed bytes of one pull page at most; a page always carries at least one row.</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public int PageMaxBytes { get; set; } = 512 * 1024;

    /// <summary>Mutations in one push at most.</summary>
    [Range(1, 10_000)]
    public int MaxMutationsPerPush { get; set; } = 500;

    /// <summary>How long tombstones are kept; a device offline longer gets a replacement sync.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan TombstoneRetention { get; set; } = TimeSpan.FromDays(180);
}
