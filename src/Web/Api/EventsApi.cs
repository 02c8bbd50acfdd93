using Matchmaker.Silo.Access;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// The change log as an ordered, resumable feed (notify, then pull): a desk's system reads its region's events and
/// every availability change; a provider's system the events of its own offerings (proposals, holds, availability),
/// without request ids. The cursor is the last event's id; the same cursor always gives the same events.
/// </summary>
public static class EventsApi
{
    public const int LargestPage = 500;

    public static void MapEventsApi(this RouteGroupBuilder api) =>
        api.MapGet("/events", ReadAsync).RequireAuthorization(Policies.DeskOrProvider).RequireScope(Scopes.EventsRead)
            .Produces<Silo.Market.EventFeed.EventPage>(200).Describe("listEvents", "Events after the cursor (after=0 for the first), oldest first, at most limit (default 100, at most 500): a desk's region and every availability change; a provider's own offerings. Resume with the returned cursor.");

    private static async Task<IResult> ReadAsync(long? after, int? limit, HttpContext context, EventFeed events)
    {
        var caller = Caller.Of(context);
        var errors = new Dictionary<string, string[]>();
        if (after is < 0) errors["after"] = ["after is 0 or a cursor this API returned."];
        if (limit is < 1 or > LargestPage) errors["limit"] = [$"limit is between 1 and {LargestPage}."];
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        return TypedResults.Ok(await events.AfterAsync(caller.ToActor(), after ?? 0, limit ?? 100, context.RequestAborted));
    }
}
