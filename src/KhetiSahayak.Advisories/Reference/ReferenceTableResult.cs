namespace KhetiSahayak.Advisories.Reference;

/// <summary>
/// What a load did to one reference table. <see cref="Rows"/> is how many rows the source has; each is counted once as
/// inserted, updated or unchanged; <see cref="Deleted"/> counts stored rows the source no longer has.
/// </summary>
public sealed record ReferenceTableResult(string Table, long Rows, long Inserted, long Updated, long Unchanged, long Deleted)
{
    /// <summary>Rows written (inserted, updated or deleted): zero for a re-load of the same files.</summary>
    public long Changed => Inserted + Updated + Deleted;
}
