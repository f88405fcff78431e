namespace KhetiSahayak.Advisories.Import;

/// <summary>Reads raw advisories from one input format, one at a time.</summary>
internal interface IAdvisorySourceReader
{
    /// <summary>Findings about the file as a whole (a missing column, malformed input, unknown columns).</summary>
    List<AdvisoryImportIssue> FileIssues { get; }

    /// <summary>True when reading stopped early because the input could not be read further.</summary>
    bool Aborted { get; }

    IAsyncEnumerable<SourceAdvisory> ReadAsync(CancellationToken cancellationToken);
}
