using System.Security.Cryptography;
using System.Text;

namespace KhetiSahayak.Server.Features.Dev;

/// <summary>The fixed identities of the demo data, so seeding is idempotent and tokens can name them.</summary>
public static class DemoIds
{
    /// <summary>The sample farmer of shared/data/farmer.sample.json (Latur, Marathi).</summary>
    public static readonly Guid Farmer = Guid.Parse("0190b000-0000-7000-8000-00000000f001");

    /// <summary>A demo extension officer assigned to the sample farmer's block.</summary>
    public static readonly Guid Officer = Guid.Parse("0190b000-0000-7000-8000-0000000000a1");

    /// <summary>A stable UUID (version 8) for a demo row that the sample files give no id, e.g. "crop:SOYBEAN".</summary>
    public static Guid Named(string name)
    {
        Span<byte> bytes = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("kheti-demo:" + name), bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes[..16], bigEndian: true);
    }
}
