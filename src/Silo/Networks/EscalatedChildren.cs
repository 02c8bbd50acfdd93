using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Networks;

/// <summary>
/// The children escalated to an expertise network: those of every region of the network the user is seated in. The
/// network is the tenant here; a child of another network's region answers as if it did not exist.
/// </summary>
public static class EscalatedChildren
{
    public sealed class Child
    {
        public Guid Id { get; init; }
        public string CaseReference { get; init; } = "";
        public string RegionCode { get; init; } = "";
        public string RegionName { get; init; } = "";
        public string CareType { get; init; } = "";
        public string Needs { get; init; } = "";
        public bool NeedsSecure { get; init; }
        public string Urgency { get; init; } = "";
        public string MeasureType { get; init; } = "";
        public DateOnly MeasureStart { get; init; }
        public DateOnly BirthMonth { get; init; }
        public string Gender { get; init; } = "";
        public double HomeLat { get; init; }
        public double HomeLon { get; init; }
        public int MaxDistanceKm { get; init; }
        public string? SiblingGroup { get; init; }
        public string Status { get; init; } = "";
        public DateTimeOffset EscalatedAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
        public string EscalationReason { get; init; } = "";
        public int ActiveHolds { get; init; }
    }

    public sealed class NetworkOf
    {
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
    }

    private const string SelectChildren = """
        SELECT r.id AS Id, r.case_reference AS CaseReference, r.region_code AS RegionCode, g.name AS RegionName, r.care_type AS CareType,
               r.needs AS Needs, r.needs_secure AS NeedsSecure, r.urgency AS Urgency, r.measure_type AS MeasureType, r.measure_start AS MeasureStart,
               r.birth_month AS BirthMonth, r.gender AS Gender, r.home_lat AS HomeLat, r.home_lon AS HomeLon, r.max_distance_km AS MaxDistanceKm,
               r.sibling_group AS SiblingGroup, r.status AS Status, r.escalated_at AS EscalatedAt, r.closed_at AS ClosedAt, r.escalation_reason AS EscalationReason,
               (SELECT count(*) FROM holds h WHERE h.request_id = r.id AND h.status = 'active') AS ActiveHolds
        FROM requests r JOIN regions g ON g.code = r.region_code
        WHERE r.escalated_at IS NOT NULL AND g.network_code = (SELECT s.network_code FROM regions s WHERE s.code = @seat)
        """;

    internal static async Task<NetworkOf?> NetworkAsync(Database database, string seat)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<NetworkOf>("""
            SELECT n.code AS Code, n.name AS Name FROM regions g JOIN expertise_networks n ON n.code = g.network_code WHERE g.code = @seat
            """, new { seat });
    }

    /// <summary>The network's escalated children that still wait, longest escalated first.</summary>
    internal static async Task<List<Child>> WaitingAsync(Database database, string seat)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Child>(SelectChildren + " AND r.status = 'open' ORDER BY r.escalated_at, r.id", new { seat })).ToList();
    }

    /// <summary>One escalated child of the network while it waits, and after it closed until <paramref name="closedSince"/>.</summary>
    internal static async Task<Child?> OneAsync(Database database, string seat, Guid requestId, DateTimeOffset closedSince)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Child>(SelectChildren + " AND r.id = @requestId AND (r.status = 'open' OR r.closed_at >= @closedSince)",
            new { seat, requestId, closedSince });
    }
}
