using System.Security.Cryptography;
using System.Text;
using KhetiSahayak.Advisories.Import;

namespace KhetiSahayak.Advisories.Tests;

/// <summary>
/// The translation ids issued before the time-ordered ones (RFC 9562 version 5: SHA-1 of the namespace, the advisory
/// id and the lower-case language), to build stores as earlier imports left them.
/// </summary>
internal static class LegacyTranslationIds
{
    public static Guid For(Guid advisoryId, string lang)
    {
        var hash = NameHash(advisoryId, lang);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>SHA-1 of the namespace's bytes and "<c>advisory id/lower-case language</c>": what both id schemes hash.</summary>
    public static byte[] NameHash(Guid advisoryId, string lang)
    {
        var name = Encoding.UTF8.GetBytes(advisoryId.ToString("D") + "/" + lang.ToLowerInvariant());
        var input = new byte[16 + name.Length];
        TranslationIds.Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);
#pragma warning disable CA5350 // UUIDv5 is defined with SHA-1.
        return SHA1.HashData(input);
#pragma warning restore CA5350
    }
}
