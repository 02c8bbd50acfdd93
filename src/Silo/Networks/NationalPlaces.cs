using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Networks;

/// <summary>
/// Free places anywhere in the country that suit an escalated child by the hard rules (care type, secure, age, gender,
/// needs, distance; not declined or held before), with what the child's region's policy would say: in or outside the
/// region, contracted or not, budget ceiling reached.
/// </summary>
public static class NationalPlaces
{
    public sealed class Row
    {
        public Guid OfferingId { get; init; }
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string Municipality { get; init; } = "";
        public string LocationRegion { get; init; } = "";
        public string LocationRegionName { get; init; } = "";
        public string CareType { get; init; } = "";
        public int MinAge { get; init; }
        public int MaxAge { get; init; }
        public string Genders { get; init; } = "";
        public bool Secure { get; init; }
        public string Specialisms { get; init; } = "";
        public int FreeUnits { get; init; }
        public double Lat { get; init; }
        public double Lon { get; init; }
        public bool Contracted { get; init; }
        public bool BudgetCeilingReached { get; init; }
        public DateTimeOffset LastConfirmedAt { get; init; }
        public double DistanceKm { get; set; }

        public bool InChildsRegion(EscalatedChildren.Child child) => LocationRegion == child.RegionCode;

        /// <summary>The place for the hard rules only: the child's region's policy is shown beside it (ChildModel.PolicyOf), not judged.</summary>
        public Place ToPlace() => new(OfferingId.ToString(), CareType, FreeUnits, MinAge, MaxAge, MarketRows.Split(Genders), Secure,
            MarketRows.Split(Specialisms), Lat, Lon, LocationRegion, []);
    }

    /// <summary>
    /// The suitable free places, nearest first; and the near misses: places that would suit if the child could live
    /// further from home (only the distance is against them), nearest first.
    /// </summary>
    public sealed record Found(IReadOnlyList<Row> Suitable, IReadOnlyList<Row> TooFar)
    {
        public int OnlyTooFar => TooFar.Count;
    }

    internal static async Task<Found> ForAsync(Database database, EscalatedChildren.Child child, DateOnly today)
    {
        await using var connection = await database.OpenAsync();
        var rows = (await connection.QueryAsync<Row>("""
            SELECT o.id AS OfferingId, p.name AS ProviderName, l.name AS LocationName, m.name AS Municipality, m.region_code AS LocationRegion,
                   g.name AS LocationRegionName, o.care_type AS CareType, o.min_age AS MinAge, o.max_age AS MaxAge, o.genders AS Genders,
                   o.secure AS Secure, o.specialisms AS Specialisms, o.total_units - o.occupied_units - o.held_units AS FreeUnits,
                   l.lat AS Lat, l.lon AS Lon, (c.region_code IS NOT NULL) AS Contracted,
                   coalesce(c.budget_ceiling_reached, false) AS BudgetCeilingReached, o.last_confirmed_at AS LastConfirmedAt
            FROM offerings o
            JOIN locations l ON l.id = o.location_id
            JOIN municipalities m ON m.id = l.municipality_id
            JOIN regions g ON g.code = m.region_code
            JOIN organisations p ON p.id = o.provider_id
            LEFT JOIN contracts c ON c.offering_id = o.id AND c.region_code = @region
            WHERE o.care_type = @careType AND o.total_units - o.occupied_units - o.held_units > 0
            ORDER BY o.id
            """, new { region = child.RegionCode, careType = child.CareType })).ToList();
        var notAgain = (await connection.QueryAsync<Guid>("""
            SELECT offering_id FROM holds WHERE request_id = @requestId AND region_code = @region AND status IN ('active', 'declined')
            """, new { requestId = child.Id, region = child.RegionCode })).Select(id => id.ToString()).ToList();
        var request = new Matching.Request(child.Id.ToString(), child.CareType, MarketRows.Age(child.BirthMonth, today), child.Gender, 0, 0, child.NeedsSecure,
            MarketRows.Split(child.Needs), child.HomeLat, child.HomeLon, child.MaxDistanceKm, child.RegionCode, child.SiblingGroup, notAgain, []);
        var suitable = new List<Row>();
        var tooFar = new List<Row>();
        foreach (var row in rows)
        {
            row.DistanceKm = Geo.DistanceKm(child.HomeLat, child.HomeLon, row.Lat, row.Lon);
            switch (Feasibility.BrokenIgnoringPolicy(request, row.ToPlace(), row.DistanceKm))
            {
                case null: suitable.Add(row); break;
                case Feasibility.Rule.Distance: tooFar.Add(row); break;
            }
        }
        return new Found([.. suitable.OrderBy(r => r.DistanceKm).ThenBy(r => r.OfferingId)], [.. tooFar.OrderBy(r => r.DistanceKm).ThenBy(r => r.OfferingId)]);
    }
}
