using Matchmaker.Silo.Market;

namespace Matchmaker.Web.Api;

/// <summary>
/// The optional <c>Idempotency-Key</c> header of a write: a retry with the same key gets the first result back and
/// changes nothing more. The fingerprint names what was asked, so one key cannot stand for two different requests.
/// </summary>
public static class IdempotencyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>Endpoint metadata: this write takes the header (the OpenAPI document says so).</summary>
    public sealed class Accepted;

    public static RouteHandlerBuilder AcceptsIdempotencyKey(this RouteHandlerBuilder builder) => builder.WithMetadata(new Accepted());

    public static bool TryRead(HttpContext context, string fingerprint, out IdempotentRequest? request, out IResult? problem)
    {
        request = null;
        problem = null;
        if (!context.Request.Headers.TryGetValue(Name, out var values)) return true;
        var key = values.ToString().Trim();
        if (values.Count == 1 && key.Length is > 0 and <= IdempotentRequest.MaxKeyLength && !key.Any(char.IsControl))
        {
            request = new IdempotentRequest(key, fingerprint);
            return true;
        }
        problem = TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [Name] = [$"{Name} is one value of 1 to {IdempotentRequest.MaxKeyLength} printable characters, e.g. a UUID."] },
            title: "The Idempotency-Key header is not valid");
        return false;
    }
}
