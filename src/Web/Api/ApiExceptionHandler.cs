using System.Text.Json;
using Matchmaker.Silo.Market;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaker.Web.Api;

/// <summary>
/// Turns the errors a caller can cause into ProblemDetails: a refusal of the engine (by its rule code), and a body that
/// is not valid JSON or has a value of the wrong type (400, naming the field), an engine node that went away
/// mid-call (503, try again). Anything else stays a 500.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            MarketRuleException refusal => RuleProblems.For(refusal),
            BadHttpRequestException bad => BadRequest(bad),
            // A node of the engine died or is restarting while this call was under way: nothing is known to have changed.
            // Or two transactions on PostgreSQL met in a deadlock or a serialisation failure: the loser rolled back whole.
            SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
                or System.Data.Common.DbException { SqlState: "40P01" or "40001" } => new ProblemDetails
            {
                Status = 503, Title = "Try again",
                Detail = "The engine was moving this work to another node. Try again in a moment; send the same Idempotency-Key to be safe.",
            },
            _ => null,
        };
        if (problem is null) return false;
        if (problem.Status == 400) problem.Extensions.TryAdd("code", RuleProblems.Name(RuleCode.InvalidInput));
        context.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == 503) context.Response.Headers.RetryAfter = "1";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails BadRequest(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            return new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [field] = [$"'{field}' has a value of the wrong type, is sent more than once, or the JSON is malformed."],
            })
            {
                Status = 400,
                Title = "The request body is not valid",
                Detail = $"The JSON could not be read at '{field}'.",
            };
        }
        if (exception.StatusCode == 400 && UnboundField(exception.Message) is { } unbound)
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [unbound] = [Unbound(unbound)] })
            {
                Status = 400,
                Title = "The request is not valid",
                Detail = $"'{unbound}' could not be read.",
            };
        return new ProblemDetails { Status = exception.StatusCode, Title = "Bad request", Detail = exception.Message };
    }

    private static string Unbound(string field) => field == "body"
        ? "A JSON body is required."
        : $"'{field}' has a value of the wrong type or out of range.";

    /// <summary>
    /// The field a binding failure is about, from the framework's message: "body" for a body left out ("Implicit body
    /// inferred for parameter …", "Required parameter "… input" was not provided from body."), the parameter's name for a
    /// value that cannot be read ("Failed to bind parameter "Nullable`1 page" from "abc"."; the value the caller sent is
    /// never looked at). Null for any other message.
    /// </summary>
    private static string? UnboundField(string message)
    {
        if (message.StartsWith("Implicit body inferred for parameter ", StringComparison.Ordinal) || BodyLeftOut().IsMatch(message)) return "body";
        var named = UnreadableValue().Match(message);
        return named.Success ? named.Groups["name"].Value : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Required parameter \"[^\"]* [A-Za-z_][A-Za-z0-9_]*\" was not provided from body\\.$")]
    private static partial System.Text.RegularExpressions.Regex BodyLeftOut();

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"[^\"]* (?<name>[A-Za-z_][A-Za-z0-9_]*)\" from ")]
    private static partial System.Text.RegularExpressions.Regex UnreadableValue();
}
