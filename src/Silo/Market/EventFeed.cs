using System.Text.Json;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Market;

/// <summary>
/// The change log as an ordered, resumable feed: a desk reads its region's events and every availability change; a
/// provider the events of its own offerings, without request ids. The same cursor always gives the same events.
/// </summary>
public sealed class EventFeed(Database database)
{
    public sealed record Event(long Id, string Topic, DateTimeOffset At, JsonElement Data);

    public sealed record EventPage(IReadOnlyList<Event> Events, long Cursor, bool More);

    private sealed class Row
    {
        public long Id { get; init; }
        public string Topic { get; init; } = "";
        public DateTimeOffset At { get; init; }
        public string Payload { get; init; } = "";
    }

    public async Task<EventPage> AfterAsync(Actor reader, long after, int take, CancellationToken cancellationToken)
    {
        var isProvider = reader.Role == Roles.Provider;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>($"""
            SELECT id AS Id, topic AS Topic, created_at AS At, payload AS Payload FROM outbox
            WHERE id > @after AND {EventScope.Where(isProvider)}
            ORDER BY id LIMIT @fetch
            """, new { after, organisation = reader.OrganisationId, region = reader.RegionCode, fetch = take + 1 })).ToList();
        var page = rows.Take(take).Select(row => new Event(row.Id, row.Topic, row.At, EventScope.DataFor(row.Payload, isProvider))).ToList();
        return new EventPage(page, page.Count > 0 ? page[^1].Id : after, rows.Count > take);
    }
}
