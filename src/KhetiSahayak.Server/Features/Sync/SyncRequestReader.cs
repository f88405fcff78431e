using System.Text.Json;
using KhetiSahayak.Server.Infrastructure.Errors;
using KhetiSahayak.Sync.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>
/// Reads and checks a request body. Anything that is not a well-formed request (bad JSON, wrong JSON types, missing
/// fields, an unknown protocol) is refused as a whole with a 4xx before anything is applied. Column values stay JSON:
/// the engine checks them against their column types per mutation, so one bad value rejects one mutation.
/// </summary>
internal static class SyncRequestReader
{
    /// <summary>The protocol versions this server speaks.</summary>
    public static IReadOnlyList<int> SupportedProtocols { get; } = [1];

    public static async Task<(SyncRequest? Request, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, SyncCall call, CancellationToken cancellationToken)
    {
        SyncRequestDto? dto;
        try
        {
            dto = await JsonSerializer.DeserializeAsync(request.Body, SyncJsonContext.Default.SyncRequestDto, cancellationToken);
        }
        catch (JsonException ex)
        {
            // The path and line only: the exception text names CLR types, and values never go back or into logs.
            return Fail($"The body is not a valid sync request: malformed JSON or a wrong type at {ex.Path ?? "$"} (line {(ex.LineNumber ?? 0) + 1}).");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Result(StatusCodes.Status413PayloadTooLarge, ProblemCodes.BodyTooLarge, "The request body is larger than this server accepts; push fewer mutations at a time."));
        }
        catch (InvalidDataException)
        {
            return Fail("The body does not decompress with its Content-Encoding.");
        }

        if (dto is null)
        {
            return Fail("The body must be a JSON object.");
        }

        if (dto.Protocol is not { } protocol)
        {
            return Fail($"'protocol' is required; this server speaks {string.Join(", ", SupportedProtocols)}.");
        }

        if (!SupportedProtocols.Contains(protocol))
        {
            return (null, Problems.Result(StatusCodes.Status400BadRequest, ProblemCodes.UnsupportedProtocol,
                $"Protocol {protocol} is not supported; this server speaks {string.Join(", ", SupportedProtocols)}.",
                new Dictionary<string, object?> { ["supported"] = SupportedProtocols }));
        }

        if (dto.ScopeVersion is not ({ } scopeVersion and >= 1))
        {
            return Fail("'scopeVersion' is required: the version of the scope the app was built for (a positive integer).");
        }

        if (call == SyncCall.Push && dto.Mutations is null)
        {
            return Fail("'mutations' is required for a push.");
        }

        if (call == SyncCall.Pull && dto.Mutations is { Count: > 0 })
        {
            return Fail("A pull carries no mutations; push them with POST /sync/v1/{scope} or /push.");
        }

        var mutations = new List<Mutation>(dto.Mutations?.Count ?? 0);
        for (var i = 0; i < (dto.Mutations?.Count ?? 0); i++)
        {
            var (mutation, error) = ToMutation(dto.Mutations![i], i);
            if (error is not null)
            {
                return Fail(error);
            }

            mutations.Add(mutation!);
        }

        var cursor = call == SyncCall.Push || string.IsNullOrEmpty(dto.Cursor) ? null : dto.Cursor;
        return (new SyncRequest(scopeVersion, cursor, mutations), null);
    }

    private static (Mutation? Mutation, string? Error) ToMutation(MutationDto? m, int index)
    {
        var at = $"mutations[{index}]";
        if (m is null)
        {
            return (null, $"{at} must be an object.");
        }

        if (m.Id is not { } id || id == Guid.Empty)
        {
            return (null, $"{at}.id is required: a UUID the device generated for this change.");
        }

        if (string.IsNullOrEmpty(m.Table))
        {
            return (null, $"{at}.table is required.");
        }

        if (string.IsNullOrEmpty(m.Key))
        {
            return (null, $"{at}.key is required: the row's UUID key.");
        }

        MutationOperation? op = m.Op switch
        {
            "insert" => MutationOperation.Insert,
            "update" => MutationOperation.Update,
            "delete" => MutationOperation.Delete,
            _ => null,
        };
        if (op is null)
        {
            return (null, $"{at}.op must be \"insert\", \"update\" or \"delete\".");
        }

        return (new Mutation(id, m.Table, op.Value, m.Key, m.BaseVersion, m.Values, m.Changed, m.Base), null);
    }

    private static (SyncRequest?, ProblemHttpResult?) Fail(string detail) => (null, SyncProblems.Invalid(detail));
}
