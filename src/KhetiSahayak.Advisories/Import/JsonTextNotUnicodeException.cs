using System.Text.Json;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// A string of the JSON input is not Unicode text: ill-formed UTF-8, or an escaped lone surrogate (<c>"\ud800"</c>).
/// <see cref="Utf8JsonReader"/> finds either only when a string is decoded, and then throws
/// <see cref="InvalidOperationException"/>; this makes it what it is, a malformed file.
/// </summary>
internal sealed class JsonTextNotUnicodeException : JsonException
{
    public JsonTextNotUnicodeException(Exception inner)
        : base("a text is not valid Unicode", inner)
    {
    }
}
