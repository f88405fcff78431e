using System.Net;
using System.Text.Json;

namespace KhetiSahayak.Server.Tests;

/// <summary>A ProblemDetails answer as a test sees it.</summary>
internal sealed record Problem(HttpStatusCode Status, string? ContentType, string? Code, string? Detail)
{
    public static async Task<Problem> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        string? code = null;
        string? detail = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            code = doc.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            detail = doc.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
        }
        catch (JsonException)
        {
            // Not JSON: the test's assertions on Code will say so.
        }

        return new Problem(response.StatusCode, response.Content.Headers.ContentType?.MediaType, code, detail);
    }
}
