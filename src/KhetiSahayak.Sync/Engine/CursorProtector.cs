using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KhetiSahayak.Sync.Protocol;

namespace KhetiSahayak.Sync.Engine;

/// <summary>
/// Signs cursors with HMAC-SHA256 so a device can carry them but not forge or alter them. Every server node shares
/// the key, so any node can continue any device's pull.
/// </summary>
public sealed class CursorProtector
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private readonly byte[] _key;

    public CursorProtector(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException("the cursor signing key must be at least 32 bytes", nameof(key));
        }

        _key = key;
    }

    public string Protect(SyncCursor cursor)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(cursor, Options);
        var mac = HMACSHA256.HashData(_key, payload);
        return Base64Url(payload) + "." + Base64Url(mac.AsSpan(0, 16));
    }

    /// <summary>Verifies and decodes a cursor; a malformed or tampered one is refused with <c>cursor_invalid</c>.</summary>
    public SyncCursor Unprotect(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || token.Length > 16_384)
        {
            throw Invalid();
        }

        byte[] payload;
        byte[] mac;
        try
        {
            payload = FromBase64Url(token[..dot]);
            mac = FromBase64Url(token[(dot + 1)..]);
        }
        catch (FormatException)
        {
            throw Invalid();
        }

        var expected = HMACSHA256.HashData(_key, payload).AsSpan(0, 16);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac))
        {
            throw Invalid();
        }

        try
        {
            return JsonSerializer.Deserialize<SyncCursor>(payload, Options) ?? throw Invalid();
        }
        catch (JsonException)
        {
            throw Invalid();
        }
    }

    private static SyncProtocolException Invalid() =>
        new(SyncErrorCodes.CursorInvalid, "The cursor is malformed or was not issued by this server.");

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        return Convert.FromBase64String(s);
    }

    /// <summary>Makes a key from configured text (at least 32 characters).</summary>
    public static byte[] KeyFromSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
