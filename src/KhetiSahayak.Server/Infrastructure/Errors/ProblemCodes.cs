namespace KhetiSahayak.Server.Infrastructure.Errors;

/// <summary>
/// Stable codes of the host's own request-level errors (the engine's are in SyncErrorCodes). Every 4xx and 5xx answer
/// carries one in the ProblemDetails <c>code</c> extension; clients branch on it, never on the text.
/// </summary>
public static class ProblemCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string UnsupportedProtocol = "unsupported_protocol";
    public const string BodyTooLarge = "body_too_large";
    public const string TokenMissing = "token_missing";
    public const string TokenInvalid = "token_invalid";
    public const string TokenExpired = "token_expired";
    public const string ClaimsMissing = "claims_missing";
    public const string Forbidden = "forbidden";
    public const string ForbiddenRole = "forbidden_role";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string Overloaded = "overloaded";
    public const string Unavailable = "unavailable";
    public const string ReferenceDataMissing = "reference_data_missing";
    public const string InternalError = "internal_error";

    /// <summary>The code for an error response the framework produced without one (e.g. an unmatched route).</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => TokenMissing,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => BodyTooLarge,
        415 => UnsupportedMediaType,
        429 => Overloaded,
        500 => InternalError,
        503 => Unavailable,
        _ => "http_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
