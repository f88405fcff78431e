namespace KhetiSahayak.Sync.Scopes;

/// <summary>Which way a table's rows travel within one scope.</summary>
public enum SyncDirection
{
    /// <summary>Devices pull the table and push inserts, updates and deletes.</summary>
    Bidirectional,

    /// <summary>Devices only pull the table; any pushed change is rejected.</summary>
    DownloadOnly,

    /// <summary>Devices only append rows, once each by client id; nothing is pulled.</summary>
    UploadOnly,
}
