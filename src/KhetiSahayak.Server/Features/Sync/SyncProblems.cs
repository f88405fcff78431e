using KhetiSahayak.Server.Infrastructure.Errors;
using KhetiSahayak.Sync.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>The HTTP status of each request-level sync refusal (see PROTOCOL.md, "Errors").</summary>
internal static class SyncProblems
{
    public static int StatusFor(string code) => code switch
    {
        SyncErrorCodes.UnknownScope => StatusCodes.Status404NotFound,
        SyncErrorCodes.ScopeForbidden => StatusCodes.Status403Forbidden,
        SyncErrorCodes.CursorMismatch => StatusCodes.Status409Conflict,
        SyncErrorCodes.CursorExpired => StatusCodes.Status410Gone,
        SyncErrorCodes.TooManyMutations => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status400BadRequest,
    };

    public static ProblemHttpResult From(SyncProtocolException exception) =>
        Problems.Result(StatusFor(exception.Code), exception.Code, exception.Message);

    public static ProblemHttpResult Invalid(string detail) =>
        Problems.Result(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, detail);
}
