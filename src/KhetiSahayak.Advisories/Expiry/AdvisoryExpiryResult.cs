namespace KhetiSahayak.Advisories.Expiry;

/// <summary>How many advisories and translations one expiry run marked expired.</summary>
public sealed record AdvisoryExpiryResult(int Advisories, int Translations);
