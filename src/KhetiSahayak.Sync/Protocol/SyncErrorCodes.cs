namespace KhetiSahayak.Sync.Protocol;

/// <summary>Stable error codes: request-level errors (ProblemDetails) and per-mutation rejection reasons.</summary>
public static class SyncErrorCodes
{
    // Request-level.
    public const string CursorInvalid = "cursor_invalid";
    public const string CursorMismatch = "cursor_mismatch";
    public const string CursorExpired = "cursor_expired";
    public const string UnknownScope = "unknown_scope";
    public const string ScopeForbidden = "scope_forbidden";
    public const string TooManyMutations = "too_many_mutations";

    // Per mutation.
    public const string UnknownTable = "unknown_table";
    public const string TableReadOnly = "table_read_only";
    public const string AppendOnly = "append_only";
    public const string InvalidKey = "invalid_key";
    public const string UnknownColumn = "unknown_column";
    public const string InvalidValue = "invalid_value";
    public const string MissingValue = "missing_value";
    public const string ReadOnlyColumn = "read_only_column";
    public const string Forbidden = "forbidden";
    public const string RowNotFound = "row_not_found";
    public const string WriteFailed = "write_failed";
    public const string MutationIdReused = "mutation_id_reused";
}
