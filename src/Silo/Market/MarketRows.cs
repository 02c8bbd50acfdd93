using System.Data.Common;
using Dapper;
using Matchmaker.Matching;

namespace Matchmaker.Silo.Market;

/// <summary>Offerings and requests as the matcher needs them, read with the SQL that selects them.</summary>
public static class MarketRows
{
    public sealed class OfferingRow
    {
        public Guid Id { get; init; }
        public Guid ProviderId { get; init; }
        public string CareType { get; init; } = "";
        public int MinAge { get; init; }
        public int MaxAge { get; init; }
        public string Genders { get; init; } = "";
        public bool Secure { get; init; }
        public string Specialisms { get; init; } = "";
        public int FreeUnits { get; init; }
        public double Lat { get; init; }
        public double Lon { get; init; }
        public string LocationRegion { get; init; } = "";
        public string? ContractedBy { get; init; }

        public Place ToPlace() => new(Id.ToString(), CareType, FreeUnits, MinAge, MaxAge, Split(Genders), Secure, Split(Specialisms),
            Lat, Lon, LocationRegion, Split(ContractedBy ?? ""));
    }

    /// <summary>A child's request as the matcher and the hold rules need it; it travels with a hold to the offering's grain.</summary>
    [GenerateSerializer, Immutable, Alias("mm.RequestRow")]
    public sealed record RequestRow
    {
        [Id(0)] public Guid Id { get; init; }
        [Id(1)] public string RegionCode { get; init; } = "";
        [Id(2)] public string CaseReference { get; init; } = "";
        [Id(3)] public string MeasureType { get; init; } = "";
        [Id(4)] public DateOnly MeasureStart { get; init; }
        [Id(5)] public string Urgency { get; init; } = "";
        [Id(6)] public string CareType { get; init; } = "";
        [Id(7)] public string Needs { get; init; } = "";
        [Id(8)] public bool NeedsSecure { get; init; }
        [Id(9)] public DateOnly BirthMonth { get; init; }
        [Id(10)] public string Gender { get; init; } = "";
        [Id(11)] public double HomeLat { get; init; }
        [Id(12)] public double HomeLon { get; init; }
        [Id(13)] public int MaxDistanceKm { get; init; }
        [Id(14)] public string? SiblingGroup { get; init; }
        /// <summary>The row's version when it was read: a hold moves it only if nobody else did meanwhile.</summary>
        [Id(15)] public long Version { get; init; }

        public int AgeOn(DateOnly day) => Age(BirthMonth, day);

        // A record prints every member; a child's row names the request and its version only, should it reach a log.
        private bool PrintMembers(System.Text.StringBuilder builder)
        {
            builder.Append($"Id = {Id}, Version = {Version}");
            return true;
        }

        public Matching.Request ToRequest(DateOnly asOf)
        {
            var (priority, waitingDays) = PriorityPolicy.Compute(Urgency, MeasureType, MeasureStart, asOf);
            return new Matching.Request(Id.ToString(), CareType, AgeOn(asOf), Gender, priority, waitingDays, NeedsSecure, Split(Needs),
                HomeLat, HomeLon, MaxDistanceKm, RegionCode, SiblingGroup);
        }
    }

    // Contracts with the budget ceiling reached do not count: the region cannot buy more there.
    private const string SelectOfferings = """
        SELECT o.id AS Id, o.provider_id AS ProviderId, o.care_type AS CareType, o.min_age AS MinAge, o.max_age AS MaxAge,
               o.genders AS Genders, o.secure AS Secure, o.specialisms AS Specialisms,
               o.total_units - o.occupied_units - o.held_units AS FreeUnits,
               l.lat AS Lat, l.lon AS Lon, m.region_code AS LocationRegion,
               (SELECT string_agg(c.region_code, ',') FROM contracts c
                WHERE c.offering_id = o.id AND c.budget_ceiling_reached = false) AS ContractedBy
        FROM offerings o
        JOIN locations l ON l.id = o.location_id
        JOIN municipalities m ON m.id = l.municipality_id
        """;

    public const string SelectRequests = """
        SELECT id AS Id, region_code AS RegionCode, case_reference AS CaseReference, measure_type AS MeasureType,
               measure_start AS MeasureStart, urgency AS Urgency, care_type AS CareType, needs AS Needs, needs_secure AS NeedsSecure,
               birth_month AS BirthMonth, gender AS Gender, home_lat AS HomeLat, home_lon AS HomeLon,
               max_distance_km AS MaxDistanceKm, sibling_group AS SiblingGroup, version AS Version
        FROM requests
        """;

    /// <summary>Every offering in the market: a round needs the full places too, for the options and near misses.</summary>
    public static async Task<List<OfferingRow>> OfferingsAsync(DbConnection connection, DbTransaction? transaction) =>
        (await connection.QueryAsync<OfferingRow>(SelectOfferings + " ORDER BY o.id", transaction: transaction)).ToList();

    public static async Task<OfferingRow?> OfferingAsync(DbConnection connection, DbTransaction? transaction, Guid offeringId) =>
        await connection.QuerySingleOrDefaultAsync<OfferingRow>(SelectOfferings + " WHERE o.id = @offeringId", new { offeringId }, transaction);

    /// <summary>A child's age on a day, from the birth month (all the system keeps of the date of birth).</summary>
    public static int Age(DateOnly birthMonth, DateOnly day) => day.Year - birthMonth.Year - (day.Month < birthMonth.Month ? 1 : 0);

    public static IReadOnlyList<string> Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
