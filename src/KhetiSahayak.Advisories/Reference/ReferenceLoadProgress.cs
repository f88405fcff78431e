namespace KhetiSahayak.Advisories.Reference;

/// <summary>Progress of a reference load: the table being written and how many of its source rows are done.</summary>
public readonly record struct ReferenceLoadProgress(string Table, long Done, long Total);
