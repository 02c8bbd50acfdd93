using System.Data.Common;
using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Grains;

namespace Matchmaker.Silo.Market;

/// <summary>
/// A region's market as its matching round sees it: the open requests (without the children waiting for a provider's
/// answer, unless the desk asks for alternatives), every place of the care types they wait for, the places each child
/// was declined at or holds, and the region's purchasing policy. Rounds and what-if runs read the same market.
/// </summary>
public sealed record RegionMarket(
    MatchingInstance Instance, IReadOnlyList<MarketRows.RequestRow> Requests, IReadOnlyList<MarketRows.OfferingRow> Offerings,
    IReadOnlyList<MatchingRounds.Held> Held)
{
    /// <summary>
    /// Null when the region does not exist. <paramref name="regionCode"/> null: the whole country (for national figures),
    /// every region's children at once, under no purchasing policy.
    /// </summary>
    public static async Task<RegionMarket?> LoadAsync(DbConnection connection, string? regionCode, RoundOptions options, DateOnly today)
    {
        var policy = regionCode is null
            ? new RegionPolicy { AllowOutOfRegion = true, AllowNonContracted = true }
            : await connection.QuerySingleOrDefaultAsync<RegionPolicy>(
                "SELECT allow_out_of_region AS AllowOutOfRegion, allow_non_contracted AS AllowNonContracted FROM regions WHERE code = @regionCode",
                new { regionCode });
        if (policy is null) return null;
        var held = (await connection.QueryAsync<HeldRow>("""
            SELECT h.request_id AS RequestId, r.case_reference AS CaseReference, r.care_type AS CareType, h.offering_id AS OfferingId,
                   p.name AS ProviderName, h.expires_at AS ExpiresAt
            FROM holds h JOIN requests r ON r.id = h.request_id JOIN offerings o ON o.id = h.offering_id JOIN organisations p ON p.id = o.provider_id
            WHERE (@regionCode IS NULL OR h.region_code = @regionCode) AND h.status = 'active' AND r.status = 'open'
            ORDER BY h.expires_at, h.id
            """, new { regionCode }))
            .Select(h => new MatchingRounds.Held(h.RequestId, h.CaseReference, h.CareType, h.OfferingId, h.ProviderName, h.ExpiresAt)).ToList();
        var heldAt = held.ToLookup(h => h.RequestId, h => h.OfferingId.ToString());
        var declinedAt = (options.ProposeDeclinedAgain ? [] : await connection.QueryAsync<HeldRow>("""
            SELECT h.request_id AS RequestId, h.offering_id AS OfferingId FROM holds h JOIN requests r ON r.id = h.request_id
            WHERE (@regionCode IS NULL OR h.region_code = @regionCode) AND h.status = 'declined' AND r.status = 'open'
            """, new { regionCode })).ToLookup(d => d.RequestId, d => d.OfferingId.ToString());
        var requests = (await connection.QueryAsync<MarketRows.RequestRow>(
            MarketRows.SelectRequests + " WHERE (@regionCode IS NULL OR region_code = @regionCode) AND status = 'open' ORDER BY registered_at, id",
            new { regionCode })).Where(r => options.AlternativesForHeld || !heldAt.Contains(r.Id)).ToList();
        var careTypes = requests.Select(r => r.CareType).ToHashSet();
        var offerings = (await MarketRows.OfferingsAsync(connection, null)).Where(o => careTypes.Contains(o.CareType)).ToList();
        var instance = new MatchingInstance(
            offerings.Select(o => o.ToPlace()).ToList(),
            requests.Select(r => r.ToRequest(today) with
            {
                DeclinedPlaces = declinedAt.Contains(r.Id) ? [.. declinedAt[r.Id].Distinct()] : null,
                HeldPlaces = heldAt.Contains(r.Id) ? [.. heldAt[r.Id]] : null,
            }).ToList(),
            new AllocationPolicy(policy.AllowOutOfRegion, policy.AllowNonContracted));
        return new RegionMarket(instance, requests, offerings, held);
    }

    private sealed class RegionPolicy
    {
        public bool AllowOutOfRegion { get; init; }
        public bool AllowNonContracted { get; init; }
    }

    private sealed class HeldRow
    {
        public Guid RequestId { get; init; }
        public string CaseReference { get; init; } = "";
        public string CareType { get; init; } = "";
        public Guid OfferingId { get; init; }
        public string ProviderName { get; init; } = "";
        public DateTimeOffset ExpiresAt { get; init; }
    }
}
