namespace KhetiSahayak.Sync.Scopes;

/// <summary>Comparison operators of a row filter clause.</summary>
public enum FilterOperator
{
    /// <summary>Column equals a scalar parameter or literal.</summary>
    Eq,

    /// <summary>Scalar column is one of a list parameter's values.</summary>
    In,

    /// <summary>JSON-array column shares at least one value with a list parameter.</summary>
    Overlaps,
}
