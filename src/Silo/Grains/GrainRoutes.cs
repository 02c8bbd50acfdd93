using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;

namespace Matchmaker.Silo.Grains;

/// <summary>Which request grain owns a child: its region and request id, neither of which ever changes.</summary>
public static class RequestGrainKey
{
    private const string Infix = "/request/";

    public static string For(string regionCode, Guid requestId) => $"{regionCode}{Infix}{requestId}";

    public static (string RegionCode, Guid RequestId) Parse(string key)
    {
        var at = key.IndexOf(Infix, StringComparison.Ordinal);
        return at > 0 && Guid.TryParse(key[(at + Infix.Length)..], out var id)
            ? (key[..at], id)
            : throw new ArgumentException($"'{key}' is not a request grain's key.", nameof(key));
    }

    /// <summary>Where a hold lives: its offering and its child's request; null when there is no such hold.</summary>
    public static async Task<(Guid OfferingId, string RequestKey)?> OfHoldAsync(Database database, Guid holdId)
    {
        await using var connection = await database.OpenAsync();
        var hold = await connection.QuerySingleOrDefaultAsync<Owner>(
            "SELECT offering_id AS OfferingId, request_id AS RequestId, region_code AS RegionCode FROM holds WHERE id = @holdId", new { holdId });
        return hold is null ? null : (hold.OfferingId, For(hold.RegionCode, hold.RequestId));
    }

    private sealed class Owner
    {
        public Guid OfferingId { get; init; }
        public Guid RequestId { get; init; }
        public string RegionCode { get; init; } = "";
    }
}

/// <summary>
/// The market's changes as the API and the pages ask for them: find the owning grain (from the key, or a plain read
/// where only a hold's or placement's id is known), make one call.
/// </summary>
public static class MarketGrains
{
    public static IRequestGrain Request(this IGrainFactory grains, string regionCode, Guid requestId) =>
        grains.GetGrain<IRequestGrain>(RequestGrainKey.For(regionCode, requestId));

    public static ISiblingGroupGrain SiblingGroup(this IGrainFactory grains, string regionCode, string siblingGroup) =>
        grains.GetGrain<ISiblingGroupGrain>(SiblingGroupGrain.Key(regionCode, siblingGroup));

    public static Task<HoldPlaced[]> PlaceHoldAsync(this IGrainFactory grains, Actor desk, Guid requestId, Guid offeringId,
        Guid? matchingRoundId, IdempotentRequest? idempotency, bool parallel = false, string? outsidePolicyReason = null) =>
        grains.Request(desk.RegionCode ?? "", requestId).PlaceHold(desk, offeringId, matchingRoundId, parallel, outsidePolicyReason, idempotency);
}

/// <summary>
/// The changes that start from a hold's or a placement's id: a plain read finds the owning grain (the child's request,
/// or the offering; for a hold this node placed, <see cref="HoldOwners"/> remembers it), then one call. Refusals come back
/// as <see cref="MarketRuleException"/>.
/// </summary>
public sealed class HoldCommands(Database database, IGrainFactory grains, HoldOwners owners)
{
    /// <summary>The desk holds a place for a child (and its open siblings); this node remembers where the holds live.</summary>
    public async Task<HoldPlaced[]> PlaceAsync(Actor desk, Guid requestId, Guid offeringId, Guid? matchingRoundId,
        IdempotentRequest? idempotency, bool parallel = false, string? outsidePolicyReason = null)
    {
        var holds = await grains.PlaceHoldAsync(desk, requestId, offeringId, matchingRoundId, idempotency, parallel, outsidePolicyReason);
        owners.Remember(desk.RegionCode ?? "", holds);
        return holds;
    }

    /// <summary>The provider accepts; returns the placements made (one per sibling placed with the child).</summary>
    public async Task<Guid[]> AcceptAsync(Actor provider, Guid holdId, DateOnly startDate, IdempotentRequest? idempotency)
    {
        var (offeringId, key) = await owners.OfAsync(database, holdId) ?? throw MarketRuleException.NotFound("This hold");
        await grains.GetGrain<IRequestGrain>(key).Accept(provider, holdId, offeringId, startDate, idempotency);
        owners.Forget(holdId);
        await using var connection = await database.OpenAsync();
        return [.. await connection.QueryAsync<Guid>("SELECT id FROM placements WHERE hold_id = @holdId ORDER BY id", new { holdId })];
    }

    public async Task DeclineAsync(Actor provider, Guid holdId, string reason, string? note, IdempotentRequest? idempotency)
    {
        var (offeringId, _) = await owners.OfAsync(database, holdId) ?? throw MarketRuleException.NotFound("This hold");
        await grains.GetGrain<IOfferingGrain>(offeringId).Decline(provider, holdId, reason, note, idempotency);
        owners.Forget(holdId);
    }

    public async Task EndPlacementAsync(Actor actor, Guid placementId, DateOnly endDate, string reason)
    {
        Guid? offeringId;
        await using (var connection = await database.OpenAsync())
            offeringId = await connection.QuerySingleOrDefaultAsync<Guid?>("SELECT offering_id FROM placements WHERE id = @placementId", new { placementId });
        if (offeringId is null) throw MarketRuleException.NotFound("This placement");
        await grains.GetGrain<IOfferingGrain>(offeringId.Value).EndPlacement(actor, placementId, endDate, reason);
    }
}
