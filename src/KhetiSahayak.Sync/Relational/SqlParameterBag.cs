using System.Data.Common;

namespace KhetiSahayak.Sync.Relational;

/// <summary>Collects bound parameters while SQL is composed, so no value is ever spliced into SQL text.</summary>
internal sealed class SqlParameterBag
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public string Add(string name, object? value)
    {
        _values[name] = value;
        return "@" + name;
    }

    public string AddUnique(object? value)
    {
        var name = "p" + _values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        while (_values.ContainsKey(name))
        {
            name += "_";
        }

        return Add(name, value);
    }

    /// <summary>The parameters by name (without the '@'), for a store that binds them itself.</summary>
    public IReadOnlyDictionary<string, object?> Values => _values;

    public void ApplyTo(DbCommand command) => Apply(command, _values);

    public static void Apply(DbCommand command, IReadOnlyDictionary<string, object?> values)
    {
        foreach (var (name, value) in values)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
    }
}
