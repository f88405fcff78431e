using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KhetiSahayak.Advisories.Reference;

/// <summary>
/// Keys of reference rows, derived from their codes as name-based UUIDs (RFC 9562 version 5: SHA-1 of a namespace
/// and a name), so every server computes the same key for the same code and a re-load finds the row it wrote.
/// </summary>
/// <remarks>
/// The namespaces are fixed; changing one re-keys every row on every device. <see cref="LgdNamespace"/> is
/// v5(URL namespace, "https://lgdirectory.gov.in/"), <see cref="CropNamespace"/> is v5(URL namespace,
/// "urn:kheti-sahayak:reference:crops"). Names are <c>state/27</c>, <c>district/481</c>,
/// <c>block/4436/district/481</c> (a block listed under two districts is two rows), <c>crop/SOYBEAN</c> and
/// <c>crop/SOYBEAN/stage/FLOWERING</c>.
/// </remarks>
public static class ReferenceIds
{
    public static readonly Guid LgdNamespace = Guid.Parse("f903c0bb-8c5d-5c74-a3c7-cbd49c7ec57a");

    public static readonly Guid CropNamespace = Guid.Parse("5b3db936-abb5-5b0f-b2f6-fbb0b8add0a6");

    public static Guid State(long code) => V5(LgdNamespace, string.Create(CultureInfo.InvariantCulture, $"state/{code}"));

    public static Guid District(long code) => V5(LgdNamespace, string.Create(CultureInfo.InvariantCulture, $"district/{code}"));

    public static Guid Block(long code, long district) => V5(LgdNamespace, string.Create(CultureInfo.InvariantCulture, $"block/{code}/district/{district}"));

    public static Guid Crop(string code) => V5(CropNamespace, "crop/" + code);

    public static Guid CropStage(string crop, string stage) => V5(CropNamespace, $"crop/{crop}/stage/{stage}");

    /// <summary>An RFC 9562 version 5 UUID of <paramref name="name"/> (UTF-8) in <paramref name="ns"/>.</summary>
    public static Guid V5(Guid ns, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 9562 defines version 5 with SHA-1; this is an identifier, not a security boundary.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
