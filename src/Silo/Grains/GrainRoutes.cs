using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Grains;

/// <summary>Which request grain owns a child: the sibling group when it has one, otherwise the request itself.</summary>
public static class RequestGrainKey
{
    public static string For(string regionCode, Guid requestId, string? siblingGroup) =>
        siblingGroup is null ? $"{regionCode}/request/{requestId}" : $"{regionCode}/group/{siblingGroup}";

    /// <summary>The key of an open or closed request of the region, or null when the region has no such request.</summary>
    public static async Task<string?> OfRequestAsync(Database database, string regionCode, Guid requestId)
    {
        await using var connection = await database.OpenAsync();
        var request = await connection.QuerySingleOrDefaultAsync<Owner>(
            "SELECT id AS RequestId, region_code AS RegionCode, sibling_group AS SiblingGroup FROM requests WHERE id = @requestId AND region_code = @regionCode",
            new { requestId, regionCode });
        return request is null ? null : For(request.RegionCode, request.RequestId, request.SiblingGroup);
    }

    /// <summary>Where a hold lives: its offering and the key of its child's request grain; null when there is no such hold.</summary>
    public static async Task<(Guid OfferingId, string RequestKey)?> OfHoldAsync(Database database, Guid holdId)
    {
        await using var connection = await database.OpenAsync();
        var hold = await connection.QuerySingleOrDefaultAsync<Owner>("""
            SELECT h.offering_id AS OfferingId, r.id AS RequestId, r.region_code AS RegionCode, r.sibling_group AS SiblingGroup
            FROM holds h JOIN requests r ON r.id = h.request_id
            WHERE h.id = @holdId
            """, new { holdId });
        return hold is null ? null : (hold.OfferingId, For(hold.RegionCode, hold.RequestId, hold.SiblingGroup));
    }

    private sealed class Owner
    {
        public Guid OfferingId { get; init; }
        public Guid RequestId { get; init; }
        public string RegionCode { get; init; } = "";
        public string? SiblingGroup { get; init; }
    }
}

/// <summary>
/// The market's changes as the API and the pages ask for them: find the owning grain (a plain read), make one call.
/// </summary>
public static class MarketGrains
{
    public static async Task<HoldPlaced[]> PlaceHoldAsync(this IGrainFactory grains, Database database, Actor desk, Guid requestId, Guid offeringId,
        Guid? matchingRoundId, IdempotentRequest? idempotency, bool parallel = false, string? outsidePolicyReason = null)
    {
        var key = await RequestGrainKey.OfRequestAsync(database, desk.RegionCode ?? "", requestId) ?? throw MarketRuleException.NotFound("This open request");
        if (matchingRoundId is not null)
        {
            await using var connection = await database.OpenAsync();
            if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM matching_rounds WHERE id = @matchingRoundId AND region_code = @region",
                    new { matchingRoundId, region = desk.RegionCode }) == 0)
                throw MarketRuleException.NotFound("This matching round");
        }
        return await grains.GetGrain<IRequestGrain>(key).PlaceHold(desk, requestId, offeringId, matchingRoundId, parallel, outsidePolicyReason, idempotency);
    }

    public static async Task<Guid[]> AcceptHoldAsync(this IGrainFactory grains, Database database, Actor provider, Guid holdId, DateOnly startDate,
        IdempotentRequest? idempotency)
    {
        var (offeringId, key) = await RequestGrainKey.OfHoldAsync(database, holdId) ?? throw MarketRuleException.NotFound("This hold");
        return await grains.GetGrain<IRequestGrain>(key).Accept(provider, holdId, offeringId, startDate, idempotency);
    }

    public static async Task DeclineHoldAsync(this IGrainFactory grains, Database database, Actor provider, Guid holdId, string reason, string? note,
        IdempotentRequest? idempotency)
    {
        var (offeringId, _) = await RequestGrainKey.OfHoldAsync(database, holdId) ?? throw MarketRuleException.NotFound("This hold");
        await grains.GetGrain<IOfferingGrain>(offeringId).Decline(provider, holdId, reason, note, idempotency);
    }

    public static async Task<bool> WithdrawRequestAsync(this IGrainFactory grains, Database database, Actor desk, Guid requestId, string? reason = null)
    {
        var key = await RequestGrainKey.OfRequestAsync(database, desk.RegionCode ?? "", requestId);
        return key is not null && await grains.GetGrain<IRequestGrain>(key).Withdraw(desk, requestId, reason);
    }

    public static async Task EndPlacementAsync(this IGrainFactory grains, Database database, Actor actor, Guid placementId, DateOnly endDate, string reason)
    {
        Guid? offeringId;
        await using (var connection = await database.OpenAsync())
            offeringId = await connection.QuerySingleOrDefaultAsync<Guid?>("SELECT offering_id FROM placements WHERE id = @placementId", new { placementId });
        if (offeringId is null) throw MarketRuleException.NotFound("This placement");
        await grains.GetGrain<IOfferingGrain>(offeringId.Value).EndPlacement(actor, placementId, endDate, reason);
    }
}
