namespace KhetiSahayak.Sync.Scopes;

/// <summary>A node of a row filter: a comparison, or a group of nodes that all or any must hold.</summary>
public abstract record FilterNode;

/// <summary>All children must hold (an empty group holds for every row).</summary>
public sealed record FilterAll(IReadOnlyList<FilterNode> Children) : FilterNode;

/// <summary>At least one child must hold.</summary>
public sealed record FilterAny(IReadOnlyList<FilterNode> Children) : FilterNode;

/// <summary>A comparison of a column with a principal parameter (when <see cref="Parameter"/> is set) or a literal.</summary>
public sealed record FilterComparison(string Column, ColumnType ColumnType, FilterOperator Operator, string? Parameter, object? Literal) : FilterNode;
