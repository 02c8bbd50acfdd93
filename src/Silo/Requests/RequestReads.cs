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
            await journal.AuditReadAsync(database, reader, "request-read", "request", requestId.ToString(), regionCode,
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

    /// <summary>A list read is audited with every case reference shown.</summary>
    public Task AuditListedAsync(Actor reader, string regionCode, IEnumerable<RequestView> shown) =>
        journal.AuditReadAsync(database, reader, "requests-listed", "request", null, regionCode, string.Join(",", shown.Select(r => r.CaseReference)));

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
