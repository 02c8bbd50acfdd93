using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Offerings;

/// <summary>
/// Holds as their readers may see them: a provider its proposals without the child's identity, a desk its region's
/// holds with case references. Every read that shows a child's data is audited in the child's region.
/// </summary>
public sealed class HoldReads(Database database, Journal journal, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Statuses = ["active", "accepted", "declined", "expired", "released"];

    /// <summary>A hold as its reader may see it. A provider gets what it needs to decide (age, care, needs, distance, urgency), no case reference.</summary>
    internal sealed class HoldView
    {
        public Guid HoldId { get; init; }
        public string RegionCode { get; init; } = "";
        public Guid OfferingId { get; init; }
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
        public string CareType { get; init; } = "";
        public string Urgency { get; init; } = "";
        public string Needs { get; init; } = "";
        public DateOnly BirthMonth { get; init; }
        public string Gender { get; init; } = "";
        public double HomeLat { get; init; }
        public double HomeLon { get; init; }
        public double LocationLat { get; init; }
        public double LocationLon { get; init; }
        public string? SiblingGroup { get; init; }
        public Guid? RequestId { get; set; }
        public string? CaseReference { get; set; }
        public string? DeclineReason { get; init; }
        public string ChildWishes { get; init; } = "";
        public string ParentWishes { get; init; } = "";
        public string MeasureType { get; init; } = "";
        /// <summary>A child's wait counts from its measure's start, as the desk counts it against the norms.</summary>
        public DateOnly MeasureStart { get; init; }
        public Guid? MatchingRoundId { get; init; }
        public string RegionName { get; init; } = "";
        public string? DeskPhone { get; init; }
        public string? DeskEmail { get; init; }
    }

    /// <summary>
    /// A hold as its reader sees it. While it is active it also carries what the provider needs to decide (issue 21): the
    /// measure (<see cref="MeasureType"/>, a code as in the requests API), the days the child has waited since its measure
    /// started, why this place (plain Dutch sentences) and how to reach the desk of the child's region. Once the hold is
    /// answered, expired or released those four are null: the decision is made, so the provider no longer needs them; nor,
    /// unless it accepted the child, the child's and parents' wishes, which a provider then reads as empty.
    /// </summary>
    public sealed record HoldSummary(Guid HoldId, Guid OfferingId, string ProviderName, string LocationName, string Status, DateTimeOffset CreatedAt,
        DateTimeOffset ExpiresAt, string CareType, string Urgency, IReadOnlyList<string> Needs, int Age, string Gender, double DistanceKm,
        bool WithSiblings, string ChildWishes, string ParentWishes, Guid? RequestId, string? CaseReference, string? DeclineReason,
        string? MeasureType, int? DaysWaited, IReadOnlyList<string>? WhyThisPlace, Requests.ChildTimelines.DeskContact? Desk);

    public sealed class RunningHold
    {
        public Guid HoldId { get; init; }
        public Guid RequestId { get; init; }
        public string CaseReference { get; init; } = "";
        public string CareType { get; init; } = "";
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
        public string? SiblingGroup { get; init; }
    }

    public sealed class AnsweredHold
    {
        public Guid RequestId { get; init; }
        public string CaseReference { get; init; } = "";
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTimeOffset AnsweredAt { get; init; }
        public string? DeclineReason { get; init; }
        public string? DeclineNote { get; init; }
    }

    /// <summary>The desk's running holds, soonest to expire first, and the answers of the last day.</summary>
    public sealed record DeskHolds(IReadOnlyList<RunningHold> Running, IReadOnlyList<AnsweredHold> Answered);

    private const string SelectHolds = """
        SELECT h.id AS HoldId, h.region_code AS RegionCode, h.offering_id AS OfferingId, p.name AS ProviderName, l.name AS LocationName, h.status AS Status,
               h.created_at AS CreatedAt, h.expires_at AS ExpiresAt, r.care_type AS CareType, r.urgency AS Urgency, r.needs AS Needs,
               r.birth_month AS BirthMonth, r.gender AS Gender, r.home_lat AS HomeLat, r.home_lon AS HomeLon,
               l.lat AS LocationLat, l.lon AS LocationLon, h.sibling_group AS SiblingGroup,
               r.id AS RequestId, r.case_reference AS CaseReference, h.decline_reason AS DeclineReason,
               r.child_wishes AS ChildWishes, r.parent_wishes AS ParentWishes,
               r.measure_type AS MeasureType, r.measure_start AS MeasureStart, h.matching_round_id AS MatchingRoundId,
               g.name AS RegionName, g.desk_phone AS DeskPhone, g.desk_email AS DeskEmail
        FROM holds h
        JOIN requests r ON r.id = h.request_id AND r.region_code = h.region_code
        JOIN regions g ON g.code = h.region_code
        JOIN offerings o ON o.id = h.offering_id
        JOIN organisations p ON p.id = o.provider_id
        JOIN locations l ON l.id = o.location_id
        """;

    /// <summary>A provider sees the holds on its own offerings, without identity; a desk those of its region.</summary>
    public Task<List<HoldSummary>> ListAsync(Actor caller, string status) =>
        ReadAsync(caller, " AND h.status = @status ORDER BY h.expires_at, h.id", new { status });

    /// <summary>One hold, as <see cref="ListAsync"/> shows it, to its desk or its provider only (null for anyone else).</summary>
    public async Task<HoldSummary?> FindAsync(Actor caller, Guid holdId) =>
        (await ReadAsync(caller, " AND h.id = @holdId", new { holdId })).SingleOrDefault();

    private async Task<List<HoldSummary>> ReadAsync(Actor caller, string andWhere, object parameters)
    {
        var isProvider = caller.Role == Roles.Provider;
        var arguments = new DynamicParameters(parameters);
        arguments.AddDynamicParams(new { organisationId = caller.OrganisationId, regionCode = caller.RegionCode });
        await using var connection = await database.OpenAsync();
        var holds = (await connection.QueryAsync<HoldView>(SelectHolds + (isProvider
                ? " WHERE o.provider_id = @organisationId"
                : " WHERE h.region_code = @regionCode") + andWhere, arguments)).ToList();
        if (!isProvider && holds.Count > 0)
            // A desk sees the case references: that is a read of the children's requests (recorded by id, as every list).
            await journal.AuditAsync(connection, null, caller, "holds-listed", "request", null, caller.RegionCode,
                Journal.RequestIds(holds.Where(h => h.RequestId is not null).Select(h => h.RequestId!.Value)));
        else if (isProvider && holds.Count > 0)
            // A provider sees each child's needs and wishes (not who it is): recorded per proposal, in the child's region.
            foreach (var region in holds.GroupBy(h => h.RegionCode))
                await journal.AuditAsync(connection, null, caller, "proposals-read", "hold", null, region.Key,
                    string.Join(",", region.Select(h => h.HoldId)));
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var whyByHold = await WhyThisPlaceAsync(connection, holds.Where(h => h.Status == "active").ToList(), today);
        return holds.Select(h =>
        {
            // Only while the provider still has to decide (see HoldSummary); an answered hold keeps only what it showed before.
            var open = h.Status == "active";
            var wishesShown = !isProvider || open || h.Status == "accepted";
            return new HoldSummary(h.HoldId, h.OfferingId, h.ProviderName, h.LocationName, h.Status, h.CreatedAt,
                h.ExpiresAt, h.CareType, h.Urgency, MarketRows.Split(h.Needs), MarketRows.Age(h.BirthMonth, today),
                h.Gender, Math.Round(Geo.DistanceKm(h.HomeLat, h.HomeLon, h.LocationLat, h.LocationLon), 1), h.SiblingGroup is not null,
                wishesShown ? h.ChildWishes : "", wishesShown ? h.ParentWishes : "", isProvider ? null : h.RequestId, isProvider ? null : h.CaseReference, h.DeclineReason,
                open ? h.MeasureType : null,
                open ? Math.Max(0, today.DayNumber - h.MeasureStart.DayNumber) : null,
                open ? whyByHold.GetValueOrDefault(h.HoldId, []) : null,
                open ? new Requests.ChildTimelines.DeskContact(h.RegionName, h.DeskPhone, h.DeskEmail) : null);
        }).ToList();
    }

    /// <summary>
    /// Why each open hold's place was proposed, in the matcher's words (<see cref="ProposalReasons"/>): the child and the place as
    /// the matcher reads them, and the reason the desk gave when it held the place outside its policy (kept in the hold's audit
    /// line, which the retention run cuts; the desk's form says the provider reads it).
    /// </summary>
    private static async Task<Dictionary<Guid, IReadOnlyList<string>>> WhyThisPlaceAsync(System.Data.Common.DbConnection connection,
        List<HoldView> open, DateOnly today)
    {
        var why = new Dictionary<Guid, IReadOnlyList<string>>();
        foreach (var hold in open)
        {
            var request = await connection.QuerySingleOrDefaultAsync<MarketRows.RequestRow>(
                MarketRows.SelectRequests + " WHERE id = @RequestId AND region_code = @RegionCode", new { hold.RequestId, hold.RegionCode });
            var offering = await MarketRows.OfferingAsync(connection, null, hold.OfferingId);
            if (request is null || offering is null) continue;
            var placed = await connection.QueryFirstOrDefaultAsync<PlacedNote>("""
                SELECT detail AS Detail, role AS Role FROM audit_log
                WHERE region_code = @RegionCode AND action = 'hold-placed' AND subject_id = @holdId
                ORDER BY id
                """, new { hold.RegionCode, holdId = hold.HoldId.ToString() });
            var detail = placed?.Detail ?? "";
            var reason = ReasonAfter(detail, Grains.OfferingGrain.OutsidePolicyMark) ?? ReasonAfter(detail, Grains.OfferingGrain.OnBehalfMark);
            var distance = Geo.DistanceKm(hold.HomeLat, hold.HomeLon, hold.LocationLat, hold.LocationLon);
            why[hold.HoldId] = ProposalReasons.For(request.ToRequest(today), offering.ToPlace(), distance, hold.MatchingRoundId is not null,
                reason, placed?.Role == Roles.Network, ExplanationWords.Dutch);
        }
        return why;
    }

    private static string? ReasonAfter(string detail, string mark) =>
        detail.IndexOf(mark, StringComparison.Ordinal) is var at and >= 0 ? detail[(at + mark.Length)..] : null;

    private sealed class PlacedNote
    {
        public string? Detail { get; init; }
        public string? Role { get; init; }
    }

    /// <summary>The region's running holds and the providers' answers of the last day (the desk's "Lopende reserveringen").</summary>
    public async Task<DeskHolds> OfDeskAsync(Actor desk)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        var running = (await connection.QueryAsync<RunningHold>("""
            SELECT h.id AS HoldId, h.request_id AS RequestId, r.case_reference AS CaseReference, r.care_type AS CareType,
                   p.name AS ProviderName, l.name AS LocationName, h.created_at AS CreatedAt, h.expires_at AS ExpiresAt, h.sibling_group AS SiblingGroup
            FROM holds h JOIN requests r ON r.id = h.request_id JOIN offerings o ON o.id = h.offering_id
            JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            WHERE h.region_code = @regionCode AND h.status = 'active'
            ORDER BY h.expires_at, h.id
            """, new { regionCode = desk.RegionCode })).ToList();
        var answered = (await connection.QueryAsync<AnsweredHold>("""
            SELECT h.request_id AS RequestId, r.case_reference AS CaseReference, p.name AS ProviderName, l.name AS LocationName, h.status AS Status,
                   h.answered_at AS AnsweredAt, h.decline_reason AS DeclineReason, h.decline_note AS DeclineNote
            FROM holds h JOIN requests r ON r.id = h.request_id JOIN offerings o ON o.id = h.offering_id
            JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            WHERE h.region_code = @regionCode AND h.status IN ('accepted', 'declined', 'expired') AND h.answered_at >= @since
            ORDER BY h.answered_at DESC, h.id
            LIMIT 50
            """, new { regionCode = desk.RegionCode, since = now.AddDays(-1) })).ToList();
        await journal.AuditAsync(connection, null, desk, "holds-listed", "request", null, desk.RegionCode,
            Journal.RequestIds(running.Select(h => h.RequestId).Concat(answered.Select(a => a.RequestId))));
        return new DeskHolds(running, answered);
    }

    /// <summary>The region's active holds by child and place, with when each ends (a round's page marks the proposals held already).</summary>
    public async Task<Dictionary<(Guid RequestId, Guid OfferingId), DateTimeOffset>> ActiveOfRegionAsync(string regionCode)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(Guid RequestId, Guid OfferingId, DateTimeOffset ExpiresAt)>(
            "SELECT request_id, offering_id, expires_at FROM holds WHERE region_code = @regionCode AND status = 'active'", new { regionCode });
        return rows.GroupBy(r => (r.RequestId, r.OfferingId)).ToDictionary(g => g.Key, g => g.Max(r => r.ExpiresAt));
    }

    /// <summary>How many of the region's holds end before <paramref name="before"/> (the board's tile).</summary>
    public async Task<int> ExpiringBeforeAsync(string regionCode, DateTimeOffset before)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM holds WHERE region_code = @regionCode AND status = 'active' AND expires_at < @before", new { regionCode, before });
    }
}
