using System.Text.Json;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
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

    public sealed record Event(long Id, string Topic, DateTimeOffset At, JsonElement Data);

    public sealed record EventPage(IReadOnlyList<Event> Events, long Cursor, bool More);

    private sealed class Row
    {
        public long Id { get; init; }
        public string Topic { get; init; } = "";
        public DateTimeOffset At { get; init; }
        public string Payload { get; init; } = "";
    }

    public static void MapEventsApi(this RouteGroupBuilder api) =>
        api.MapGet("/events", ReadAsync).RequireAuthorization(Policies.DeskOrProvider).RequireScope(Scopes.EventsRead)
            .Describe("listEvents", "Events after the cursor (after=0 for the first), oldest first, at most limit (default 100, at most 500): a desk's region and every availability change; a provider's own offerings. Resume with the returned cursor.");

    private static async Task<IResult> ReadAsync(long? after, int? limit, HttpContext context, Database database)
    {
        var caller = Caller.Of(context);
        var errors = new Dictionary<string, string[]>();
        if (after is < 0) errors["after"] = ["after is 0 or a cursor this API returned."];
        if (limit is < 1 or > LargestPage) errors["limit"] = [$"limit is between 1 and {LargestPage}."];
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var isProvider = caller.Role == Roles.Provider;
        var take = limit ?? 100;
        await using var connection = await database.OpenAsync(context.RequestAborted);
        var rows = (await connection.QueryAsync<Row>($"""
            SELECT id AS Id, topic AS Topic, created_at AS At, payload AS Payload FROM outbox
            WHERE id > @after AND {EventScope.Where(isProvider)}
            ORDER BY id LIMIT @fetch
            """, new { after = after ?? 0, organisation = caller.OrganisationId, region = caller.RegionCode, fetch = take + 1 })).ToList();
        var page = rows.Take(take).Select(row => new Event(row.Id, row.Topic, row.At, EventScope.DataFor(row.Payload, isProvider))).ToList();
        return TypedResults.Ok(new EventPage(page, page.Count > 0 ? page[^1].Id : after ?? 0, rows.Count > take));
    }
}
