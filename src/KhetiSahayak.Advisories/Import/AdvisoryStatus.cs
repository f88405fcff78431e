namespace KhetiSahayak.Advisories.Import;

/// <summary>Advisory (and translation) statuses. Only <see cref="Published"/> reaches devices.</summary>
public static class AdvisoryStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Withdrawn = "withdrawn";

    /// <summary>Set by the server when valid_to has passed; never imported as such.</summary>
    public const string Expired = "expired";

    /// <summary>
    /// The status an advisory has at <paramref name="now"/>: a published advisory whose window has ended is expired.
    /// Import and expiry use this one rule, so re-importing a file after expiry changes nothing.
    /// </summary>
    public static string Effective(string status, DateTimeOffset validTo, DateTimeOffset now) =>
        status == Published && validTo < now ? Expired : status;
}
