namespace KhetiSahayak.Sync.Scopes;

/// <summary>The portable column types a synced table may use; each store maps them to its own SQL types.</summary>
public enum ColumnType
{
    Uuid,
    Text,
    Integer,
    Real,
    Boolean,
    Date,
    Timestamp,
    Json,
}
