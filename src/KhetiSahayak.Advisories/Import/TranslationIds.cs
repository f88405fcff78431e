using System.Security.Cryptography;
using System.Text;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// Deterministic translation ids: a name-based UUID (RFC 9562 version 5, SHA-1) of the advisory id and the language,
/// so every import of an advisory's translation hits the same row, from any node, without a lookup.
/// </summary>
public static class TranslationIds
{
    /// <summary>The namespace of advisory translation ids (fixed forever: changing it would orphan every row).</summary>
    public static readonly Guid Namespace = new("2ec1a077-d5b0-4c64-8c2e-7866e200194e");

    /// <summary>The id of <paramref name="advisoryId"/>'s translation in <paramref name="lang"/> (language compared ignoring case).</summary>
    public static Guid For(Guid advisoryId, string lang)
    {
        ArgumentNullException.ThrowIfNull(lang);

        // Two per advisory in an import: the name is built on the stack (namespace, "D" form, '/', lower-case language),
        // not as a string, its UTF-8 bytes and a copy.
        const int GuidChars = 36;
        var lower = lang.Length <= 64 ? stackalloc char[lang.Length] : new char[lang.Length];
        lang.AsSpan().ToLowerInvariant(lower);
        var size = 16 + GuidChars + 1 + Encoding.UTF8.GetByteCount(lower);
        var input = size <= 512 ? stackalloc byte[size] : new byte[size];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        advisoryId.TryFormat(input.Slice(16, GuidChars), out _, "D");
        input[16 + GuidChars] = (byte)'/';
        Encoding.UTF8.GetBytes(lower, input[(16 + GuidChars + 1)..]);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // SHA-1 is what UUIDv5 is defined with; this is an identifier, not a security boundary.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
