using System.Text;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// <see cref="string.Trim()"/> on UTF-8 bytes: the same white space (<see cref="Rune.IsWhiteSpace"/>, which is
/// <see cref="char.IsWhiteSpace(char)"/> for every such character) cut from both ends, without decoding the rest.
/// </summary>
internal static class Utf8Trim
{
    /// <summary>Where the text without its leading and trailing white space starts, and how long it is (0: only white space).</summary>
    public static (int Start, int Length) Range(ReadOnlySpan<byte> utf8)
    {
        var start = 0;
        while (start < utf8.Length)
        {
            var b = utf8[start];
            if (b < 0x80)
            {
                if (!IsAsciiWhiteSpace(b))
                {
                    break;
                }

                start++;
                continue;
            }

            if (Rune.DecodeFromUtf8(utf8[start..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done || !Rune.IsWhiteSpace(rune))
            {
                break;
            }

            start += consumed;
        }

        var end = utf8.Length;
        while (end > start)
        {
            var b = utf8[end - 1];
            if (b < 0x80)
            {
                if (!IsAsciiWhiteSpace(b))
                {
                    break;
                }

                end--;
                continue;
            }

            if (Rune.DecodeLastFromUtf8(utf8[start..end], out var rune, out var consumed) != System.Buffers.OperationStatus.Done || !Rune.IsWhiteSpace(rune))
            {
                break;
            }

            end -= consumed;
        }

        return (start, end - start);
    }

    /// <summary>True when the text is empty or only white space, as <see cref="string.IsNullOrWhiteSpace"/> says of its string.</summary>
    public static bool IsWhiteSpace(ReadOnlySpan<byte> utf8) => Range(utf8).Length == 0;

    private static bool IsAsciiWhiteSpace(byte b) => b is (byte)' ' or (>= 0x09 and <= 0x0D);
}
