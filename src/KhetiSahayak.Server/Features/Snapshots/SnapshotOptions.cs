using System.ComponentModel.DataAnnotations;

namespace KhetiSahayak.Server.Features.Snapshots;

/// <summary>Where a node keeps the first-install snapshots it built, and how long it serves one before building anew.</summary>
public sealed class SnapshotOptions
{
    public const string SectionName = "Snapshots";

    /// <summary>
    /// The node's snapshot cache folder (relative to the content root); empty means a folder of this process's own in
    /// the system's temp folder, removed at shutdown. It is a cache: a node empties it when it starts, and deleting it
    /// costs one rebuild per district and language. Never share it between nodes or stores: a snapshot carries a cursor
    /// of the store it was read from.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// How old a snapshot may be before the next request builds a new one. A device pays for the age in the deltas it
    /// pulls after installing, so hours, not days; it must stay well under <c>Sync:TombstoneRetention</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(6);
}
