namespace KhetiSahayak.Sync.Scopes;

/// <summary>A scope or catalog file failed validation; <see cref="Errors"/> names file, JSON path and reason of each problem.</summary>
public sealed class ScopeLoadException : Exception
{
    public ScopeLoadException(IReadOnlyList<ScopeLoadError> errors)
        : base(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
    {
        Errors = errors;
    }

    public ScopeLoadException()
        : this([])
    {
    }

    public ScopeLoadException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ScopeLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<ScopeLoadError> Errors { get; }
}
