using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Advisories.Import;

/// <summary>A validated translation of an advisory; its title and body are UTF-8, as the store's bulk path sends them.</summary>
internal sealed record ValidTranslation(string Lang, Utf8Text Title, Utf8Text Body, string? SmsText);
