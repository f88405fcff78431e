using System.Text.Json;

namespace KhetiSahayak.Advisories.Import;

/// <summary>
/// A string of the JSON input is not well-formed UTF-8. <see cref="Utf8JsonReader"/> checks that only when a string is
/// decoded, and then throws <see cref="InvalidOperationException"/>; this makes it what it is, a malformed file.
/// </summary>
internal sealed class JsonTextNotUtf8Exception : JsonException
{
    public JsonTextNotUtf8Exception(Exception inner)
        : base("a text is not valid UTF-8", inner)
    {
    }
}
