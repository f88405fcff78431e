namespace KhetiSahayak.Sync.Protocol;

/// <summary>What a device did to a row.</summary>
public enum MutationOperation
{
    Insert,
    Update,
    Delete,
}
