using System.Text.Json;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Market;

/// <summary>
/// The change log as an ordered, resumable feed: a desk reads its region's events and every availability change; a
/// provider the events of its own offerings, without request ids. The same cursor always gives the same events.
/// A page that carries children's data is audited like the read it stands for, in each child's region: a provider's
/// proposals (age, needs, urgency, distance) as <c>proposals-read</c>, as <c>GET /holds</c> records them; a desk's
/// holds and requests (their ids and what happened to them) as <c>events-read</c>.
/// </summary>
public sealed class EventFeed(Database database, Journal journal)
{
    /// <summary>Topics whose events are about a child.</summary>
    private static readonly HashSet<string> AboutAChild = [MarketEvent.ProposalReceived, MarketEvent.HoldChanged, MarketEvent.RequestChanged];

    public sealed record Event(long Id, string Topic, DateTimeOffset At, JsonElement Data);

    public sealed record EventPage(IReadOnlyList<Event> Events, long Cursor, bool More);

    private sealed class Row
    {
        public long Id { get; init; }
        public string Topic { get; init; } = "";
        public DateTimeOffset At { get; init; }
        public string Payload { get; init; } = "";
        public string? RegionCode { get; init; }
        public string AggregateId { get; init; } = "";
        /// <summary>A proposal's child's region: its event is the provider's, filed under no region.</summary>
        public string? HoldRegion { get; init; }
    }

    public async Task<EventPage> AfterAsync(Actor reader, long after, int take, CancellationToken cancellationToken)
    {
        var isProvider = reader.Role == Roles.Provider;
        await using var connection = await database.OpenAsync(cancellationToken);
        // A proposal's aggregate is its hold; the hold's id is a uuid on PostgreSQL and text on SQLite.
        var holdId = database.Provider == DatabaseProvider.Postgres ? "CAST(outbox.aggregate_id AS uuid)" : "outbox.aggregate_id";
        var rows = (await connection.QueryAsync<Row>($"""
            SELECT id AS Id, topic AS Topic, created_at AS At, payload AS Payload, region_code AS RegionCode, aggregate_id AS AggregateId,
                   CASE WHEN topic = 'proposalReceived' THEN (SELECT h.region_code FROM holds h WHERE h.id = {holdId}) END AS HoldRegion
            FROM outbox
            WHERE id > @after AND {EventScope.Where(isProvider)}
            ORDER BY id LIMIT @fetch
            """, new { after, organisation = reader.OrganisationId, region = reader.RegionCode, fetch = take + 1 })).ToList();
        if (rows.Count == 0 && after > 0 && await connection.ExecuteScalarAsync<long>("SELECT coalesce(max(id), 0) FROM outbox") is var newest && after > newest)
            // A cursor beyond the newest event was never returned: kept, it would skip every event up to it for good.
            throw MarketRuleException.Invalid("after", $"after is 0 or a cursor this API returned; no event has a number above {newest}.");
        var shown = rows.Take(take).ToList();
        foreach (var region in shown.Where(row => AboutAChild.Contains(row.Topic)).GroupBy(row => row.HoldRegion ?? row.RegionCode))
        {
            var proposals = region.Where(row => row.Topic == MarketEvent.ProposalReceived).Select(row => row.AggregateId).Distinct().ToList();
            var others = region.Where(row => row.Topic != MarketEvent.ProposalReceived).Select(row => $"{row.Topic} {row.AggregateId}").Distinct().ToList();
            if (proposals.Count > 0)
                await journal.AuditAsync(connection, null, reader, "proposals-read", "hold", null, region.Key, $"{string.Join(",", proposals)} (events)");
            if (others.Count > 0)
                await journal.AuditAsync(connection, null, reader, "events-read", "event", null, region.Key, string.Join(",", others));
        }
        var page = shown.Select(row => new Event(row.Id, row.Topic, row.At, EventScope.DataFor(row.Payload, isProvider))).ToList();
        return new EventPage(page, page.Count > 0 ? page[^1].Id : after, rows.Count > take);
    }
}
