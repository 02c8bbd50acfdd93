using Dapper;
using Matchmaker.Silo.Data;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Silo.Offerings;

public sealed class AvailableOffering
{
    public Guid OfferingId { get; init; }
    public Guid ProviderId { get; init; }
    public string ProviderName { get; init; } = "";
    public string LocationName { get; init; } = "";
    public string Municipality { get; init; } = "";
    public string LocationRegion { get; init; } = "";
    public string CareType { get; init; } = "";
    public int MinAge { get; init; }
    public int MaxAge { get; init; }
    public bool Secure { get; init; }
    public string Genders { get; init; } = "";
    public string Specialisms { get; init; } = "";
    public int TotalUnits { get; init; }
    public int OccupiedUnits { get; init; }
    public int HeldUnits { get; init; }
    public int FreeUnits { get; init; }
    public DateOnly? EarliestStart { get; init; }
    public DateTimeOffset LastConfirmedAt { get; init; }
    public double ConfirmedHoursAgo { get; set; }
    public bool Stale { get; set; }
    public long Version { get; init; }
    public bool Contracted { get; init; }
    /// <summary>Where the location is (for the distance to a child and the map).</summary>
    public double Lat { get; init; }
    public double Lon { get; init; }
    public Guid LocationId { get; init; }
    /// <summary>The location's intake contact, as its provider keeps it (null when not given).</summary>
    public string? ContactPhone { get; init; }
    public string? ContactEmail { get; init; }
}

public sealed record Availability(string RegionCode, DateTimeOffset AsOf, long EventCursor, double StaleAfterHours, IReadOnlyList<AvailableOffering> Offerings);

/// <summary>
/// Offerings as people and systems read them: what a region may use under its policy, and a provider's own, each
/// with its free units (total − occupied − held, as the offering's grain keeps them) and how fresh its figures are.
/// </summary>
public sealed class OfferingReads(Database database, TimeProvider clock, IConfiguration configuration)
{
    private const string SelectOfferings = """
        SELECT o.id AS OfferingId, o.provider_id AS ProviderId, p.name AS ProviderName, l.name AS LocationName, m.name AS Municipality,
               m.region_code AS LocationRegion, o.care_type AS CareType, o.min_age AS MinAge, o.max_age AS MaxAge, o.secure AS Secure,
               o.genders AS Genders, o.specialisms AS Specialisms, o.total_units AS TotalUnits, o.occupied_units AS OccupiedUnits, o.held_units AS HeldUnits,
               o.total_units - o.occupied_units - o.held_units AS FreeUnits, o.earliest_start AS EarliestStart,
               o.last_confirmed_at AS LastConfirmedAt, o.version AS Version, l.lat AS Lat, l.lon AS Lon,
               l.id AS LocationId, lc.phone AS ContactPhone, lc.email AS ContactEmail
        """;

    /// <summary>The offerings a region may use under its policy (in the region, or outside it if allowed; contracted, unless allowed otherwise).</summary>
    public async Task<Availability> AvailabilityAsync(string regionCode, string? careType)
    {
        await using var connection = await database.OpenAsync();
        var cursor = await connection.ExecuteScalarAsync<long>("SELECT coalesce(max(id), 0) FROM outbox");
        var offerings = (await connection.QueryAsync<AvailableOffering>($"""
            {SelectOfferings}, (c.region_code IS NOT NULL AND c.budget_ceiling_reached = false) AS Contracted
            FROM offerings o
            JOIN locations l ON l.id = o.location_id
            LEFT JOIN location_contacts lc ON lc.location_id = l.id
            JOIN municipalities m ON m.id = l.municipality_id
            JOIN organisations p ON p.id = o.provider_id
            JOIN regions r ON r.code = @regionCode
            LEFT JOIN contracts c ON c.offering_id = o.id AND c.region_code = @regionCode
            WHERE (r.allow_out_of_region = true OR m.region_code = @regionCode)
              AND (r.allow_non_contracted = true OR (c.region_code IS NOT NULL AND c.budget_ceiling_reached = false))
              AND (@careType IS NULL OR o.care_type = @careType)
            ORDER BY o.care_type, o.id
            """, new { regionCode, careType })).ToList();
        return new Availability(regionCode, clock.GetUtcNow(), cursor, StaleAfterHours, WithFreshness(offerings));
    }

    /// <summary>A provider's own offerings, with freshness.</summary>
    public async Task<List<AvailableOffering>> OwnAsync(Guid providerId)
    {
        await using var connection = await database.OpenAsync();
        var offerings = (await connection.QueryAsync<AvailableOffering>($"""
            {SelectOfferings}, true AS Contracted
            FROM offerings o
            JOIN locations l ON l.id = o.location_id
            LEFT JOIN location_contacts lc ON lc.location_id = l.id
            JOIN municipalities m ON m.id = l.municipality_id
            JOIN organisations p ON p.id = o.provider_id
            WHERE o.provider_id = @providerId
            ORDER BY l.name, o.care_type, o.id
            """, new { providerId })).ToList();
        return WithFreshness(offerings);
    }

    /// <summary>After how many hours without a confirmation a figure counts as stale (setting Availability:StaleAfterHours).</summary>
    public double StaleAfterHours => configuration.GetValue("Availability:StaleAfterHours", 72.0);

    private List<AvailableOffering> WithFreshness(List<AvailableOffering> offerings)
    {
        var now = clock.GetUtcNow();
        var staleAfter = StaleAfterHours;
        foreach (var offering in offerings)
        {
            offering.ConfirmedHoursAgo = Math.Round((now - offering.LastConfirmedAt).TotalHours, 1);
            offering.Stale = offering.ConfirmedHoursAgo > staleAfter;
        }
        return offerings;
    }
}
