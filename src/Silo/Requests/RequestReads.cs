using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Requests;

/// <summary>A child's request as the desk reads it: the stored fields, its holds, and its priority and norms as of today.</summary>
public sealed class RequestView
{
    public Guid Id { get; init; }
    public string RegionCode { get; init; } = "";
    public string CaseReference { get; init; } = "";
    public string MeasureType { get; init; } = "";
    public DateOnly MeasureStart { get; init; }
    public string Urgency { get; init; } = "";
    public string CareType { get; init; } = "";
    public string Needs { get; init; } = "";
    public bool NeedsSecure { get; init; }
    public DateOnly BirthMonth { get; init; }
    public string Gender { get; init; } = "";
    public string HomePc4 { get; init; } = "";
    public double HomeLat { get; init; }
    public double HomeLon { get; init; }
    public int MaxDistanceKm { get; init; }
    public string? SiblingGroup { get; init; }
    /// <summary>The municipality the child lives in, when known.</summary>
    public Guid? MunicipalityId { get; init; }
    public string ChildWishes { get; init; } = "";
    public string ParentWishes { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset RegisteredAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public long Version { get; init; }
    public int ActiveHolds { get; init; }
    public int Priority { get; set; }
    public int WaitingDays { get; set; }
    public int DaysOverThreeMonthNorm { get; set; }
    /// <summary>within, over-5-working-days, over-6-weeks or over-3-months: the last of the three norms passed.</summary>
    public string NormStatus { get; set; } = "";
    /// <summary>Why the priority is above the urgency: provisional-supervision, over-3-months, or null.</summary>
    public string? PriorityRaisedBecause { get; set; }
    /// <summary>The caseworker who filed the request, when a caseworker did (else the desk registered it).</summary>
    public Guid? CaseworkerId { get; init; }
    /// <summary>When the desk escalated the child beyond the region, and why.</summary>
    public DateTimeOffset? EscalatedAt { get; init; }
    public string? EscalationReason { get; init; }

    /// <summary>
    /// What the desk can edit, as one tag (a hash of those fields): an edit sent with the tag it read applies only while
    /// they are as read. A hold, a note or anything else that leaves these fields as they were leaves the tag too.
    /// </summary>
    public string EditTag => RequestEditTag.Of(ToInput());

    public RequestInput ToInput() => new(CaseReference, MeasureType, MeasureStart, Urgency, CareType, Needs.Split(',', StringSplitOptions.RemoveEmptyEntries),
        NeedsSecure, BirthMonth.ToString("yyyy-MM"), Gender, HomePc4, HomeLat, HomeLon, MaxDistanceKm, SiblingGroup, ChildWishes, ParentWishes,
        MunicipalityId);
}

/// <summary>The region's requests as the desk reads them. Every read of a child's request is audited by the caller's operation.</summary>
public sealed class RequestReads(Database database, Journal journal, TimeProvider clock)
{
    private const string SelectView = """
        SELECT r.id AS Id, r.region_code AS RegionCode, r.case_reference AS CaseReference, r.measure_type AS MeasureType,
               r.measure_start AS MeasureStart, r.urgency AS Urgency, r.care_type AS CareType, r.needs AS Needs, r.needs_secure AS NeedsSecure,
               r.birth_month AS BirthMonth, r.gender AS Gender, r.home_pc4 AS HomePc4, r.home_lat AS HomeLat, r.home_lon AS HomeLon,
               r.max_distance_km AS MaxDistanceKm, r.sibling_group AS SiblingGroup, r.municipality_id AS MunicipalityId,
               r.child_wishes AS ChildWishes, r.parent_wishes AS ParentWishes,
               r.status AS Status, r.registered_at AS RegisteredAt, r.closed_at AS ClosedAt, r.version AS Version,
               r.caseworker_id AS CaseworkerId, r.escalated_at AS EscalatedAt, r.escalation_reason AS EscalationReason,
               (SELECT count(*) FROM holds h WHERE h.request_id = r.id AND h.status = 'active') AS ActiveHolds
        FROM requests r
        """;

    public async Task<RequestView?> ReadAsync(string regionCode, Guid requestId)
    {
        await using var connection = await database.OpenAsync();
        var request = await connection.QuerySingleOrDefaultAsync<RequestView>(SelectView + " WHERE r.id = @requestId AND r.region_code = @regionCode",
            new { requestId, regionCode });
        return request is null ? null : WithPriority(request);
    }

    /// <summary>One request, its read audited (the API's and the edit form's read).</summary>
    public async Task<RequestView?> ReadAuditedAsync(Actor reader, string regionCode, Guid requestId, string? context = null)
    {
        var request = await ReadAsync(regionCode, requestId);
        if (request is not null)
            await journal.AuditReadAsync(reader, "request-read", "request", requestId.ToString(), regionCode,
                context is null ? request.CaseReference : $"{request.CaseReference} ({context})");
        return request;
    }

    /// <summary>The region's requests by priority and waiting time. The caller audits what it shows (<see cref="AuditListedAsync"/>).</summary>
    public async Task<List<RequestView>> ListByPriorityAsync(string regionCode, string? status, string? careType)
    {
        await using var connection = await database.OpenAsync();
        var list = (await connection.QueryAsync<RequestView>(SelectView + """
             WHERE r.region_code = @regionCode AND (@status IS NULL OR r.status = @status) AND (@careType IS NULL OR r.care_type = @careType)
             ORDER BY r.registered_at, r.id
            """, new { regionCode, status, careType })).ToList();
        foreach (var request in list) WithPriority(request);
        return list.OrderBy(r => r.Priority).ThenByDescending(r => r.WaitingDays).ThenBy(r => r.CaseReference, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// A list read is audited with the id of every request shown: the id leads to the child as long as its request does,
    /// and once retention reduced the request (case reference gone) only to the reduced row. A case reference in a list
    /// entry would outlive that reduction for the audit log's 60 months.
    /// </summary>
    public Task AuditListedAsync(Actor reader, string regionCode, IEnumerable<RequestView> shown) =>
        journal.AuditReadAsync(reader, "requests-listed", "request", null, regionCode, Journal.RequestIds(shown.Select(r => r.Id)));

    /// <summary>Where a waiting child lives and how far it may go, found by case reference (the availability page's distances).</summary>
    public sealed class ChildHome
    {
        public Guid Id { get; init; }
        public string CaseReference { get; init; } = "";
        public double HomeLat { get; init; }
        public double HomeLon { get; init; }
        public int MaxDistanceKm { get; init; }
    }

    /// <summary>An open request of the region by its case reference (any letter case); the read is audited.</summary>
    public async Task<ChildHome?> HomeOfAsync(Actor reader, string regionCode, string caseReference)
    {
        ChildHome? found;
        await using (var connection = await database.OpenAsync())
            found = await connection.QuerySingleOrDefaultAsync<ChildHome>("""
                SELECT id AS Id, case_reference AS CaseReference, home_lat AS HomeLat, home_lon AS HomeLon, max_distance_km AS MaxDistanceKm
                FROM requests WHERE region_code = @regionCode AND lower(case_reference) = lower(@caseReference) AND status = 'open'
                """, new { regionCode, caseReference });
        if (found is not null)
            await journal.AuditReadAsync(reader, "request-read", "request", found.Id.ToString(), regionCode, $"{found.CaseReference} (distance to places)");
        return found;
    }

    /// <summary>The children a caseworker filed, in any region, with where each stands; the read is audited in each child's region.</summary>
    public async Task<List<OwnChild>> FiledByAsync(Actor caseworker)
    {
        List<OwnChild> children;
        await using (var connection = await database.OpenAsync())
            children = (await connection.QueryAsync<OwnChild>("""
                SELECT r.id AS Id, r.case_reference AS CaseReference, r.region_code AS RegionCode, g.name AS RegionName, r.care_type AS CareType,
                       r.urgency AS Urgency, r.status AS Status, r.measure_start AS MeasureStart, r.registered_at AS RegisteredAt,
                       r.escalated_at AS EscalatedAt,
                       (SELECT count(*) FROM holds h WHERE h.request_id = r.id AND h.status = 'active') AS ActiveHolds,
                       (SELECT p.name FROM placements pl JOIN offerings o ON o.id = pl.offering_id JOIN organisations p ON p.id = o.provider_id
                        WHERE pl.request_id = r.id AND pl.end_date IS NULL ORDER BY pl.created_at DESC LIMIT 1) AS PlacedWith
                FROM requests r JOIN regions g ON g.code = r.region_code
                WHERE r.caseworker_id = @caseworker
                ORDER BY CASE r.status WHEN 'open' THEN 0 ELSE 1 END, r.registered_at DESC, r.id
                """, new { caseworker = caseworker.Id })).ToList();
        // Filed under each child's region, so that region's audit export shows who read its children.
        foreach (var region in children.GroupBy(c => c.RegionCode))
            await journal.AuditReadAsync(caseworker, "requests-listed", "request", null, region.Key,
                "own children: " + Journal.RequestIds(region.Select(c => c.Id)));
        return children;
    }

    /// <summary>The caseworker who filed the request, if one did (the live feed routes its changes to them).</summary>
    public async Task<Guid?> CaseworkerOfAsync(string regionCode, Guid requestId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<FiledBy>(
            "SELECT caseworker_id AS CaseworkerId FROM requests WHERE id = @requestId AND region_code = @regionCode", new { requestId, regionCode }))?.CaseworkerId;
    }

    private sealed class FiledBy
    {
        public Guid? CaseworkerId { get; init; }
    }

    private RequestView WithPriority(RequestView request)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        (request.Priority, request.WaitingDays) = PriorityPolicy.Compute(request.Urgency, request.MeasureType, request.MeasureStart, today);
        request.DaysOverThreeMonthNorm = WaitingNorms.DaysOverThreeMonths(request.MeasureStart, today);
        request.NormStatus = WaitingNorms.Code(WaitingNorms.Of(request.MeasureStart, today));
        request.PriorityRaisedBecause = PriorityPolicy.RaisedBecause(request.Urgency, request.MeasureType, request.MeasureStart, today);
        return request;
    }
}

/// <summary>A child as the caseworker who filed it follows it.</summary>
public sealed class OwnChild
{
    public Guid Id { get; init; }
    public string CaseReference { get; init; } = "";
    public string RegionCode { get; init; } = "";
    public string RegionName { get; init; } = "";
    public string CareType { get; init; } = "";
    public string Urgency { get; init; } = "";
    public string Status { get; init; } = "";
    public DateOnly MeasureStart { get; init; }
    public DateTimeOffset RegisteredAt { get; init; }
    public DateTimeOffset? EscalatedAt { get; init; }
    public int ActiveHolds { get; init; }
    public string? PlacedWith { get; init; }
}
