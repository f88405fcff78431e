namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>One round of bulk-load's like-for-like comparison: the importer's run, then the raw load of the rows it stored.</summary>
/// <param name="ImporterSeconds">The importer's run, into emptied tables.</param>
/// <param name="RawSeconds">The faster raw load of exactly those rows into plain tables, right after it.</param>
/// <param name="Ratio">Importer rows/s ÷ raw rows/s in this round (raw seconds ÷ importer seconds).</param>
/// <param name="Counted">True for the round with the median ratio, whose figures the report gives.</param>
internal sealed record ImportRound(double ImporterSeconds, double RawSeconds, double Ratio, bool Counted);
