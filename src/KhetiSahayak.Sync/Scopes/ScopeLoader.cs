using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KhetiSahayak.Sync.Scopes;

/// <summary>
/// Loads <c>catalog.json</c> and every <c>*.v{N}.json</c> scope file of a folder, validating everything; any problem
/// fails the load with the file, the JSON path and the reason.
/// </summary>
public static partial class ScopeLoader
{
    public const string CatalogFileName = "catalog.json";

    private static readonly Dictionary<string, ColumnType> TypeNames = new(StringComparer.Ordinal)
    {
        ["uuid"] = ColumnType.Uuid,
        ["text"] = ColumnType.Text,
        ["integer"] = ColumnType.Integer,
        ["real"] = ColumnType.Real,
        ["boolean"] = ColumnType.Boolean,
        ["date"] = ColumnType.Date,
        ["timestamp"] = ColumnType.Timestamp,
        ["json"] = ColumnType.Json,
    };

    private static readonly Dictionary<string, SyncDirection> Directions = new(StringComparer.Ordinal)
    {
        ["bidirectional"] = SyncDirection.Bidirectional,
        ["download"] = SyncDirection.DownloadOnly,
        ["upload"] = SyncDirection.UploadOnly,
    };

    private static readonly Dictionary<string, ConflictPolicy> Policies = new(StringComparer.Ordinal)
    {
        ["server-wins"] = ConflictPolicy.ServerWins,
        ["client-wins"] = ConflictPolicy.ClientWins,
        ["merge"] = ConflictPolicy.Merge,
        ["manual"] = ConflictPolicy.Manual,
    };

    /// <summary>Loads the catalog and all scopes of <paramref name="directory"/>.</summary>
    public static ScopeSet LoadDirectory(string directory)
    {
        var catalogPath = Path.Combine(directory, CatalogFileName);
        if (!File.Exists(catalogPath))
        {
            throw new ScopeLoadException([new ScopeLoadError(catalogPath, "$", "the table catalog file is missing")]);
        }

        var catalog = LoadCatalog(catalogPath, File.ReadAllText(catalogPath));
        var scopes = new List<ScopeDefinition>();
        var errors = new List<ScopeLoadError>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (name == CatalogFileName || name.EndsWith(".schema.json", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                scopes.Add(LoadScope(catalog, file, File.ReadAllText(file)));
            }
            catch (ScopeLoadException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }

        foreach (var dup in scopes.GroupBy(s => (s.Name, s.Version)).Where(g => g.Count() > 1))
        {
            errors.Add(new ScopeLoadError(directory, "$.scope", $"scope '{dup.Key.Name}' version {dup.Key.Version} is defined more than once"));
        }

        if (errors.Count > 0)
        {
            throw new ScopeLoadException(errors);
        }

        return new ScopeSet(catalog, scopes);
    }

    /// <summary>Parses and validates a table catalog.</summary>
    public static TableCatalog LoadCatalog(string file, string json)
    {
        try
        {
            return LoadCatalogCore(file, json);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            throw new ScopeLoadException([new ScopeLoadError(file, "$", "malformed catalog: " + ex.Message)]);
        }
    }

    private static TableCatalog LoadCatalogCore(string file, string json)
    {
        var errors = new List<ScopeLoadError>();
        using var doc = Parse(file, json);
        var tables = new List<TableDefinition>();
        var root = doc.RootElement;
        if (!TryGetObject(root, "tables", file, "$", errors, out var tablesEl))
        {
            throw new ScopeLoadException(errors);
        }

        foreach (var tableProp in tablesEl.EnumerateObject())
        {
            var tpath = $"$.tables.{tableProp.Name}";
            if (!IdentifierPattern().IsMatch(tableProp.Name))
            {
                errors.Add(new(file, tpath, $"'{tableProp.Name}' is not a valid table name (lower_snake_case, at most 48 characters)"));
                continue;
            }

            if (tableProp.Value.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new(file, tpath, "a table must be an object"));
                continue;
            }

            if (tables.Any(t => t.Name == tableProp.Name))
            {
                errors.Add(new(file, tpath, $"table '{tableProp.Name}' is defined twice"));
                continue;
            }

            var columns = new List<ColumnDefinition>();
            if (TryGetObject(tableProp.Value, "columns", file, tpath, errors, out var colsEl))
            {
                foreach (var col in colsEl.EnumerateObject())
                {
                    var cpath = $"{tpath}.columns.{col.Name}";
                    if (!IdentifierPattern().IsMatch(col.Name) || col.Name.StartsWith('_'))
                    {
                        errors.Add(new(file, cpath, $"'{col.Name}' is not a valid column name (lower_snake_case, not starting with '_')"));
                        continue;
                    }

                    var typeText = col.Value.ValueKind == JsonValueKind.String ? col.Value.GetString()! : string.Empty;
                    var nullable = typeText.EndsWith('?');
                    if (!TypeNames.TryGetValue(typeText.TrimEnd('?'), out var type))
                    {
                        errors.Add(new(file, cpath, $"unknown column type '{typeText}'; expected one of {string.Join(", ", TypeNames.Keys)} (append '?' for nullable)"));
                        continue;
                    }

                    if (columns.Any(c => c.Name == col.Name) || typeText.EndsWith("??", StringComparison.Ordinal))
                    {
                        errors.Add(new(file, cpath, $"column '{col.Name}' is defined twice or has a malformed type"));
                        continue;
                    }

                    columns.Add(new ColumnDefinition(col.Name, type, nullable));
                }
            }

            string? key = null;
            if (!tableProp.Value.TryGetProperty("key", out var keyEl) || keyEl.ValueKind != JsonValueKind.String)
            {
                errors.Add(new(file, $"{tpath}.key", "missing key: every synced table needs a UUID key column"));
            }
            else
            {
                key = keyEl.GetString()!;
                var keyCol = columns.FirstOrDefault(c => c.Name == key);
                if (keyCol is null)
                {
                    errors.Add(new(file, $"{tpath}.key", $"key column '{key}' is not among the table's columns"));
                    key = null;
                }
                else if (keyCol.Type != ColumnType.Uuid || keyCol.Nullable)
                {
                    errors.Add(new(file, $"{tpath}.key", $"key column '{key}' must be a non-null uuid (clients generate UUIDv7 keys), not '{TypeName(keyCol)}'"));
                    key = null;
                }
            }

            var indexes = new List<string[]>();
            if (tableProp.Value.TryGetProperty("indexes", out var idxEl))
            {
                var i = 0;
                foreach (var idx in idxEl.EnumerateArray())
                {
                    var cols = idx.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
                    foreach (var c in cols.Where(c => columns.All(x => x.Name != c)))
                    {
                        errors.Add(new(file, $"{tpath}.indexes[{i}]", $"unknown column '{c}' in index"));
                    }

                    indexes.Add(cols);
                    i++;
                }
            }

            if (key is not null)
            {
                tables.Add(new TableDefinition(tableProp.Name, key, columns, indexes));
            }
        }

        if (errors.Count > 0)
        {
            throw new ScopeLoadException(errors);
        }

        return new TableCatalog(tables);
    }

    /// <summary>Parses and validates one scope file against the catalog.</summary>
    public static ScopeDefinition LoadScope(TableCatalog catalog, string file, string json)
    {
        try
        {
            return LoadScopeCore(catalog, file, json);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ScopeLoadException([new ScopeLoadError(file, "$", "malformed scope file: " + ex.Message)]);
        }
    }

    private static ScopeDefinition LoadScopeCore(TableCatalog catalog, string file, string json)
    {
        var errors = new List<ScopeLoadError>();
        using var doc = Parse(file, json);
        var root = doc.RootElement;
        var name = RequireString(root, "scope", file, "$", errors);
        if (name is not null && !IdentifierPattern().IsMatch(name.Replace('-', '_')))
        {
            errors.Add(new(file, "$.scope", $"'{name}' is not a valid scope name"));
        }

        var version = 0;
        if (!root.TryGetProperty("version", out var vEl) || vEl.ValueKind != JsonValueKind.Number || !vEl.TryGetInt32(out version) || version < 1)
        {
            errors.Add(new(file, "$.version", "missing or invalid version: a positive integer"));
        }

        var expected = $"{name}.v{version}.json";
        if (name is not null && version > 0 && Path.GetFileName(file) != expected)
        {
            errors.Add(new(file, "$", $"file name must be '{expected}' (one file per scope and version)"));
        }

        string? role = null;
        if (root.TryGetProperty("role", out var roleEl))
        {
            role = roleEl.ValueKind == JsonValueKind.String ? roleEl.GetString() : null;
            if (role is null)
            {
                errors.Add(new(file, "$.role", "role must be a string"));
            }
        }

        var tables = new List<ScopeTable>();
        if (!root.TryGetProperty("tables", out var tablesEl) || tablesEl.ValueKind != JsonValueKind.Array || tablesEl.GetArrayLength() == 0)
        {
            errors.Add(new(file, "$.tables", "a scope needs a non-empty 'tables' array"));
        }
        else
        {
            var i = 0;
            foreach (var t in tablesEl.EnumerateArray())
            {
                var st = LoadScopeTable(catalog, file, $"$.tables[{i}]", t, errors);
                if (st is not null)
                {
                    if (tables.Any(x => x.Name == st.Name))
                    {
                        errors.Add(new(file, $"$.tables[{i}].table", $"table '{st.Name}' is listed twice"));
                    }
                    else
                    {
                        tables.Add(st);
                    }
                }

                i++;
            }
        }

        if (errors.Count > 0)
        {
            throw new ScopeLoadException(errors);
        }

        return new ScopeDefinition(name!, version, role, tables);
    }

    private static ScopeTable? LoadScopeTable(TableCatalog catalog, string file, string path, JsonElement el, List<ScopeLoadError> errors)
    {
        if (el.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(file, path, "a scope table must be an object"));
            return null;
        }

        var before = errors.Count;
        foreach (var prop in el.EnumerateObject())
        {
            if (prop.Name is not ("table" or "direction" or "filter" or "conflict" or "readOnlyColumns" or "description"))
            {
                errors.Add(new(file, $"{path}.{prop.Name}", $"unknown property '{prop.Name}'"));
            }
        }

        var tableName = RequireString(el, "table", file, path, errors);
        if (tableName is null)
        {
            return null;
        }

        if (!catalog.TryGet(tableName, out var table))
        {
            errors.Add(new(file, $"{path}.table", $"unknown table '{tableName}': it is not in {CatalogFileName}"));
            return null;
        }

        var directionText = RequireString(el, "direction", file, path, errors);
        var direction = SyncDirection.Bidirectional;
        if (directionText is not null && !Directions.TryGetValue(directionText, out direction))
        {
            errors.Add(new(file, $"{path}.direction", $"unknown direction '{directionText}'; expected bidirectional, download or upload"));
            return null;
        }

        FilterNode filter = new FilterAll([]);
        if (el.TryGetProperty("filter", out var filterEl))
        {
            filter = ParseFilterList(table, file, $"{path}.filter", filterEl, errors) ?? filter;
        }
        else if (direction != SyncDirection.DownloadOnly)
        {
            errors.Add(new(file, $"{path}.filter", "a table devices write to needs a filter that ties rows to the principal"));
        }

        if (direction != SyncDirection.DownloadOnly && el.TryGetProperty("filter", out _) && !TiesToPrincipal(filter))
        {
            errors.Add(new(file, $"{path}.filter", "a table devices write to needs a filter that ties rows to the principal: a top-level clause {\"column\": ..., \"eq\": \"$farmer_id\"} or \"$user_id\""));
        }

        var policy = ConflictPolicy.ServerWins;
        var columnPolicies = new Dictionary<string, ConflictPolicy>(StringComparer.Ordinal);
        if (el.TryGetProperty("conflict", out var conflictEl))
        {
            var policyText = RequireString(conflictEl, "policy", file, $"{path}.conflict", errors);
            if (policyText is not null && !Policies.TryGetValue(policyText, out policy))
            {
                errors.Add(new(file, $"{path}.conflict.policy", $"unknown conflict policy '{policyText}'; expected server-wins, client-wins, merge or manual"));
            }

            if (conflictEl.TryGetProperty("columns", out var colsEl))
            {
                foreach (var c in colsEl.EnumerateObject())
                {
                    var cpath = $"{path}.conflict.columns.{c.Name}";
                    if (!table.TryGetOrdinal(c.Name, out _))
                    {
                        errors.Add(new(file, cpath, $"unknown column '{c.Name}' of table '{table.Name}'"));
                        continue;
                    }

                    var text = c.Value.ValueKind == JsonValueKind.String ? c.Value.GetString()! : string.Empty;
                    if (!Policies.TryGetValue(text, out var cp) || cp == ConflictPolicy.Merge)
                    {
                        errors.Add(new(file, cpath, $"unknown column conflict policy '{text}'; expected server-wins, client-wins or manual"));
                        continue;
                    }

                    columnPolicies[c.Name] = cp;
                }
            }
        }
        else if (direction == SyncDirection.Bidirectional)
        {
            errors.Add(new(file, $"{path}.conflict", "a bidirectional table needs a conflict policy"));
        }

        var readOnly = new HashSet<string>(StringComparer.Ordinal);
        if (el.TryGetProperty("readOnlyColumns", out var roEl))
        {
            var i = 0;
            foreach (var c in roEl.EnumerateArray())
            {
                var col = c.GetString() ?? string.Empty;
                if (!table.TryGetOrdinal(col, out _))
                {
                    errors.Add(new(file, $"{path}.readOnlyColumns[{i}]", $"unknown column '{col}' of table '{table.Name}'"));
                }

                readOnly.Add(col);
                i++;
            }
        }

        return errors.Count > before ? null : new ScopeTable(table, direction, filter, policy, columnPolicies, readOnly);
    }

    private static bool TiesToPrincipal(FilterNode filter) =>
        filter is FilterAll all && all.Children.Any(c => c is FilterComparison { Operator: FilterOperator.Eq, Parameter: ScopeParameter.FarmerId or ScopeParameter.UserId });

    private static FilterAll? ParseFilterList(TableDefinition table, string file, string path, JsonElement el, List<ScopeLoadError> errors)
    {
        if (el.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new(file, path, "a filter is an array of clauses that must all hold"));
            return null;
        }

        var nodes = new List<FilterNode>();
        var i = 0;
        foreach (var clause in el.EnumerateArray())
        {
            var node = ParseClause(table, file, $"{path}[{i}]", clause, errors);
            if (node is not null)
            {
                nodes.Add(node);
            }

            i++;
        }

        return new FilterAll(nodes);
    }

    private static FilterNode? ParseClause(TableDefinition table, string file, string path, JsonElement el, List<ScopeLoadError> errors)
    {
        if (el.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(file, path, "a filter clause must be an object"));
            return null;
        }

        if (el.TryGetProperty("any", out var anyEl))
        {
            var inner = ParseFilterList(table, file, $"{path}.any", anyEl, errors);
            if (inner is null || inner.Children.Count == 0)
            {
                errors.Add(new(file, $"{path}.any", "'any' needs at least one clause"));
                return null;
            }

            return new FilterAny(inner.Children);
        }

        var column = RequireString(el, "column", file, path, errors);
        if (column is null)
        {
            return null;
        }

        if (!table.TryGetOrdinal(column, out var ordinal))
        {
            errors.Add(new(file, $"{path}.column", $"unknown column '{column}' of table '{table.Name}'"));
            return null;
        }

        var colDef = table.Columns[ordinal];
        var ops = el.EnumerateObject().Where(p => p.Name != "column").ToList();
        if (ops.Count != 1)
        {
            errors.Add(new(file, path, "a clause needs exactly one operator: eq, in or overlaps"));
            return null;
        }

        var op = ops[0];
        var opPath = $"{path}.{op.Name}";
        FilterOperator oper;
        switch (op.Name)
        {
            case "eq": oper = FilterOperator.Eq; break;
            case "in": oper = FilterOperator.In; break;
            case "overlaps": oper = FilterOperator.Overlaps; break;
            default:
                errors.Add(new(file, opPath, $"unknown filter operator '{op.Name}'; expected eq, in or overlaps"));
                return null;
        }

        if (op.Value.ValueKind == JsonValueKind.String && op.Value.GetString()!.StartsWith('$'))
        {
            var param = op.Value.GetString()![1..];
            if (!ScopeParameter.All.TryGetValue(param, out var p))
            {
                errors.Add(new(file, opPath, $"unknown parameter '${param}'; known: {string.Join(", ", ScopeParameter.All.Keys.Select(k => "$" + k))}"));
                return null;
            }

            var ok = oper switch
            {
                FilterOperator.Eq => !p.IsList && p.Type == colDef.Type,
                FilterOperator.In => p.IsList && p.Type == colDef.Type,
                _ => p.IsList && colDef.Type == ColumnType.Json,
            };
            if (!ok)
            {
                errors.Add(new(file, opPath, oper switch
                {
                    FilterOperator.Eq => $"'eq' compares a {TypeName(colDef)} column with a single value of the same type, but ${param} is {(p.IsList ? "a list" : "of type " + p.Type.ToString().ToLowerInvariant())}",
                    FilterOperator.In => $"'in' needs a list parameter of the column's type, but ${param} is {(p.IsList ? "a list of " + p.Type.ToString().ToLowerInvariant() : "a single value")} and the column is {TypeName(colDef)}",
                    _ => $"'overlaps' needs a json array column and a list parameter (column is {TypeName(colDef)}, ${param} is {(p.IsList ? "a list" : "a single value")})",
                }));
                return null;
            }

            return new FilterComparison(column, colDef.Type, oper, param, null);
        }

        if (oper != FilterOperator.Eq)
        {
            errors.Add(new(file, opPath, $"'{op.Name}' takes a list parameter such as \"$districts\", not a literal"));
            return null;
        }

        object? literal = (colDef.Type, op.Value.ValueKind) switch
        {
            (ColumnType.Text, JsonValueKind.String) => op.Value.GetString(),
            (ColumnType.Integer, JsonValueKind.Number) when op.Value.TryGetInt64(out var l) => l,
            (ColumnType.Boolean, JsonValueKind.True or JsonValueKind.False) => op.Value.GetBoolean(),
            _ => null,
        };
        if (literal is null)
        {
            errors.Add(new(file, opPath, $"literal {op.Value.GetRawText()} does not fit {TypeName(colDef)} column '{column}' (literals work on text, integer and boolean columns)"));
            return null;
        }

        return new FilterComparison(column, colDef.Type, oper, null, literal);
    }

    private static JsonDocument Parse(string file, string json)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ScopeLoadException([new ScopeLoadError(file, $"line {(ex.LineNumber ?? 0) + 1}", "not valid JSON: " + ex.Message)]);
        }
    }

    private static string? RequireString(JsonElement el, string name, string file, string path, List<ScopeLoadError> errors)
    {
        if (el.ValueKind != JsonValueKind.Object || !el.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
        {
            errors.Add(new(file, $"{path}.{name}", $"missing '{name}' (a non-empty string)"));
            return null;
        }

        return v.GetString();
    }

    private static bool TryGetObject(JsonElement el, string name, string file, string path, List<ScopeLoadError> errors, out JsonElement value)
    {
        if (el.ValueKind == JsonValueKind.Object && el.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        errors.Add(new(file, $"{path}.{name}", $"missing '{name}' (an object)"));
        value = default;
        return false;
    }

    private static string TypeName(ColumnDefinition c) => c.Type.ToString().ToLower(CultureInfo.InvariantCulture) + (c.Nullable ? "?" : string.Empty);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,47}$")]
    private static partial Regex IdentifierPattern();
}
