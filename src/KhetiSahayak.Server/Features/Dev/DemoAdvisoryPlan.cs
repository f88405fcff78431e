namespace KhetiSahayak.Server.Features.Dev;

/// <summary>
/// How the sample advisories are rebased for this start: every window (issued_at, valid_from, valid_to) moves by
/// <see cref="ShiftDays"/> whole days, and each advisory is imported at the version in <see cref="Versions"/>.
/// <see cref="Reused"/> is true when the store already holds this rebase (the import then changes nothing).
/// </summary>
internal sealed record DemoAdvisoryPlan(int ShiftDays, bool Reused, IReadOnlyDictionary<Guid, long> Versions);
