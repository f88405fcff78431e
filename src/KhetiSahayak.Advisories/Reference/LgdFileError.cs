using System.Globalization;

namespace KhetiSahayak.Advisories.Reference;

/// <summary>One problem in an LGD file: the file, the 1-based line (1 is the header) and the column, with the reason.</summary>
public sealed record LgdFileError(string File, long Line, string Field, string Message)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}: line {Line}: {Field}: {Message}");
}
