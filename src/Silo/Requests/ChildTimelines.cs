using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Requests;

/// <summary>A child's dossier (<see cref="ChildTimeline"/>) for whoever may read it, each read audited in the child's region.</summary>
public sealed class ChildTimelines(Database database, Journal journal)
{
    /// <summary>The desk of the child's region (or one acting for it); <paramref name="through"/> names the door in the audit.</summary>
    public async Task<ChildTimeline?> ForDeskAsync(Actor reader, string regionCode, Guid requestId, string through)
    {
        if (await ChildTimeline.ReadAsync(database, regionCode, requestId) is not { } timeline) return null;
        await journal.AuditReadAsync(reader, "request-read", "request", requestId.ToString(), regionCode, $"{timeline.CaseReference} ({through})");
        return timeline;
    }

    /// <summary>The caseworker who filed the child, in whichever region; for anyone else the child does not exist.</summary>
    public async Task<(ChildTimeline Timeline, string RegionName, string RegionCode)?> ForCaseworkerAsync(Actor caseworker, Guid requestId)
    {
        RegionOfChild? found;
        await using (var connection = await database.OpenAsync())
            found = await connection.QuerySingleOrDefaultAsync<RegionOfChild>("""
                SELECT g.code AS Code, g.name AS Name FROM requests r JOIN regions g ON g.code = r.region_code
                WHERE r.id = @requestId AND r.caseworker_id = @caseworker
                """, new { requestId, caseworker = caseworker.Id });
        if (found is null || await ChildTimeline.ReadAsync(database, found.Code, requestId) is not { } timeline) return null;
        await journal.AuditReadAsync(caseworker, "request-read", "request", requestId.ToString(), found.Code, $"{timeline.CaseReference} (caseworker)");
        return (timeline, found.Name, found.Code);
    }

    /// <summary>A provider's "no" for the child, with the location's intake contact (null where the provider gave none), to call back.</summary>
    public sealed record DeclineContact(Guid HoldId, string ProviderName, string LocationName, DateTimeOffset? DeclinedAt, string? Reason,
        string? Phone, string? Email);

    /// <summary>The declines of a child of the desk's region, oldest first, each with the provider's intake contact.</summary>
    public async Task<IReadOnlyList<DeclineContact>> DeclinesForDeskAsync(string regionCode, Guid requestId)
    {
        await using var connection = await database.OpenAsync();
        return [.. await connection.QueryAsync<DeclineContact>("""
            SELECT h.id AS HoldId, p.name AS ProviderName, l.name AS LocationName, h.answered_at AS DeclinedAt, h.decline_reason AS Reason,
                   c.phone AS Phone, c.email AS Email
            FROM holds h JOIN offerings o ON o.id = h.offering_id JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            LEFT JOIN location_contacts c ON c.location_id = l.id
            WHERE h.request_id = @requestId AND h.region_code = @regionCode AND h.status = 'declined'
            ORDER BY h.answered_at, h.id
            """, new { requestId, regionCode })];
    }

    /// <summary>
    /// The region of a child the caseworker filed (the request grain's key), unread and unaudited: the grain itself judges
    /// the change again. Null for anyone else's child, which does not exist for them.
    /// </summary>
    public async Task<string?> RegionForCaseworkerAsync(Actor caseworker, Guid requestId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<string?>("""
            SELECT region_code FROM requests WHERE id = @requestId AND caseworker_id = @caseworker
            """, new { requestId, caseworker = caseworker.Id });
    }

    /// <summary>Who handles the child: the desk of its region, and the provider that holds a place for it or has placed it.</summary>
    public sealed record Handlers(DeskContact Desk, IReadOnlyList<ProviderContact> Providers);

    /// <summary>The desk's functional line and mailbox (null when the region has not given them).</summary>
    public sealed record DeskContact(string RegionName, string? Phone, string? Email);

    /// <summary>A provider's intake contact at the location; <c>Stage</c> is held (deciding) or placed.</summary>
    public sealed record ProviderContact(string ProviderName, string LocationName, string? Phone, string? Email, string Stage);

    /// <summary>Who handles the child, for the caseworker who filed it; null for anyone else (the child does not exist for them).</summary>
    public async Task<Handlers?> HandlersForCaseworkerAsync(Actor caseworker, Guid requestId)
    {
        await using var connection = await database.OpenAsync();
        var desk = await connection.QuerySingleOrDefaultAsync<DeskRow>("""
            SELECT g.name AS RegionName, g.desk_phone AS Phone, g.desk_email AS Email
            FROM requests r JOIN regions g ON g.code = r.region_code
            WHERE r.id = @requestId AND r.caseworker_id = @caseworker
            """, new { requestId, caseworker = caseworker.Id });
        if (desk is null) return null;
        var providers = (await connection.QueryAsync<ProviderRow>("""
            SELECT p.name AS ProviderName, l.name AS LocationName, c.phone AS Phone, c.email AS Email, 'held' AS Stage, h.created_at AS Since
            FROM holds h JOIN offerings o ON o.id = h.offering_id JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            LEFT JOIN location_contacts c ON c.location_id = l.id
            WHERE h.request_id = @requestId AND h.status = 'active'
            UNION ALL
            SELECT p.name AS ProviderName, l.name AS LocationName, c.phone AS Phone, c.email AS Email, 'placed' AS Stage, pl.created_at AS Since
            FROM placements pl JOIN offerings o ON o.id = pl.offering_id JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            LEFT JOIN location_contacts c ON c.location_id = l.id
            WHERE pl.request_id = @requestId AND pl.end_date IS NULL
            ORDER BY Since
            """, new { requestId })).Select(p => new ProviderContact(p.ProviderName, p.LocationName, p.Phone, p.Email, p.Stage)).ToList();
        return new Handlers(new DeskContact(desk.RegionName, desk.Phone, desk.Email), providers);
    }

    private sealed class DeskRow
    {
        public string RegionName { get; init; } = "";
        public string? Phone { get; init; }
        public string? Email { get; init; }
    }

    private sealed class ProviderRow
    {
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string? Phone { get; init; }
        public string? Email { get; init; }
        public string Stage { get; init; } = "";
        public DateTimeOffset Since { get; init; }
    }

    private sealed class RegionOfChild
    {
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
    }
}
