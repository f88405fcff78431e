using System.Text.Json;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Engine;

/// <summary>
/// Evaluates a row filter in memory: the engine uses it to authorize pushed changes; the stores compile the same
/// filter to SQL for pulls, and tests use it as an independent oracle.
/// </summary>
public static class FilterEvaluator
{
    public static bool Matches(FilterNode node, TableDefinition table, IReadOnlyList<object?> row, ScopeParameters parameters) => node switch
    {
        FilterAll all => all.Children.All(c => Matches(c, table, row, parameters)),
        FilterAny any => any.Children.Any(c => Matches(c, table, row, parameters)),
        FilterComparison cmp => Compare(cmp, row[table.Ordinal(cmp.Column)], parameters),
        _ => false,
    };

    private static bool Compare(FilterComparison cmp, object? value, ScopeParameters parameters)
    {
        if (value is null)
        {
            return false;
        }

        var operand = cmp.Parameter is null ? cmp.Literal : parameters[cmp.Parameter];
        if (operand is null)
        {
            return false;
        }

        switch (cmp.Operator)
        {
            case FilterOperator.Eq:
                return value.Equals(operand);
            case FilterOperator.In:
                return operand switch
                {
                    long[] l => value is long v && Array.IndexOf(l, v) >= 0,
                    string[] s => value is string v && Array.IndexOf(s, v) >= 0,
                    _ => false,
                };
            case FilterOperator.Overlaps:
                if (value is not string json)
                {
                    return false;
                }

                using (var doc = JsonDocument.Parse(json))
                {
                    if (doc.RootElement.ValueKind != JsonValueKind.Array)
                    {
                        return false;
                    }

                    foreach (var e in doc.RootElement.EnumerateArray())
                    {
                        var hit = operand switch
                        {
                            long[] l => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n) && Array.IndexOf(l, n) >= 0,
                            string[] s => e.ValueKind == JsonValueKind.String && Array.IndexOf(s, e.GetString()) >= 0,
                            _ => false,
                        };
                        if (hit)
                        {
                            return true;
                        }
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
