namespace KhetiSahayak.Advisories.Reference;

/// <summary>The LGD files are malformed or inconsistent; nothing was written. <see cref="Errors"/> names file, line and field of each problem.</summary>
public sealed class LgdFileException : Exception
{
    public LgdFileException()
        : this([])
    {
    }

    public LgdFileException(string message)
        : base(message)
    {
        Errors = [];
    }

    public LgdFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public LgdFileException(IReadOnlyList<LgdFileError> errors)
        : base(errors is { Count: > 0 } ? string.Join(Environment.NewLine, errors) : "the LGD files are malformed")
    {
        Errors = errors ?? [];
    }

    public IReadOnlyList<LgdFileError> Errors { get; }
}
