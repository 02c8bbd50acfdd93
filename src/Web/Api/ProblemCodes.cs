using Matchmaker.Silo.Market;

namespace Matchmaker.Web.Api;

/// <summary>
/// The codes of refusals that do not come from a market rule (the door, the protocol), and the one place that gives
/// every problem under /api a <c>code</c> and a <c>detail</c>, whoever wrote it: a client can always switch on the code.
/// </summary>
public static class ProblemCodes
{
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string TooManyRequests = "too-many-requests";
    /// <summary>A status no rule or door names (not expected; documented so that a client can still read it).</summary>
    public const string Refused = "refused";

    /// <summary>The code and a default detail of a problem with this status that no rule named.</summary>
    public static (string Code, string Detail) ForStatus(int status) => status switch
    {
        400 => (RuleProblems.Name(RuleCode.InvalidInput), "The request is not valid."),
        401 => (Unauthorized, "Send a valid API token as 'Authorization: Bearer <token>'."),
        403 => (Forbidden, "The token's role or scopes do not allow this operation."),
        404 => (RuleProblems.Name(RuleCode.NotFound), "This does not exist, or is not yours to see."),
        405 => (MethodNotAllowed, "This resource does not take this method."),
        415 => (UnsupportedMediaType, "Send the body as application/json."),
        429 => (TooManyRequests, "Too many requests from this caller: try again after the Retry-After header's seconds."),
        503 => (RuleProblems.Name(RuleCode.Busy), "Try again in a moment; send the same Idempotency-Key to be safe."),
        _ => (Refused, "The request was refused."),
    };

    /// <summary>Every code a problem of this API can carry.</summary>
    public static IReadOnlyList<string> All =>
        [.. Enum.GetValues<RuleCode>().Select(RuleProblems.Name), Unauthorized, Forbidden, MethodNotAllowed, UnsupportedMediaType, TooManyRequests, Refused];

    /// <summary>Fills in code and detail where the writer of a problem under /api left them out (status code pages, the framework).</summary>
    public static void Complete(Microsoft.AspNetCore.Http.ProblemDetailsContext context)
    {
        if (!context.HttpContext.Request.Path.StartsWithSegments("/api")) return;
        var problem = context.ProblemDetails;
        var (code, detail) = ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode);
        problem.Extensions.TryAdd("code", code);
        problem.Detail ??= detail;
    }
}
