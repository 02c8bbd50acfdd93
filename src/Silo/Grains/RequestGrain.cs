using System.Data.Common;
using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Matchmaker.Silo.Grains;

/// <summary>
/// A child's holds have one owner: the child's request, or its sibling group (siblings are held and placed together).
/// Key: see <see cref="RequestGrainKey"/>.
/// </summary>
public interface IRequestGrain : IGrainWithStringKey
{
    /// <summary>
    /// Holds a place for the child (and its open siblings). A child that already has a hold gets a second one only when
    /// the desk asks for it (<paramref name="parallel"/>), and never more than the region's limit of parallel holds.
    /// </summary>
    /// <paramref name="outsidePolicyReason"/>: why the desk holds a place its region's policy rules out (recorded in the audit).
    Task<HoldPlaced[]> PlaceHold(Actor desk, Guid requestId, Guid offeringId, Guid? matchingRoundId, bool parallel, string? outsidePolicyReason,
        IdempotentRequest? idempotency);

    /// <summary>The provider accepts a hold: the child is placed at that offering, then every other hold of the child is released.</summary>
    Task<Guid[]> Accept(Actor provider, Guid holdId, Guid offeringId, DateOnly startDate, IdempotentRequest? idempotency);

    /// <summary>The desk withdraws the request (the reason goes into the audit); its holds are released. False when there is no such open request.</summary>
    Task<bool> Withdraw(Actor desk, Guid requestId, string? reason);
}

/// <summary>
/// Checks the child's side of a hold (open, not already held there, under the region's parallel-hold limit) with
/// the child's holds serialised here, then lets the offering's grain take the unit. After an acceptance it releases
/// the child's other holds offering by offering; each step is its own transaction, and if this node dies between
/// steps the region's reconciler releases what is left within a minute.
/// </summary>
[PreferLocalPlacement]
public sealed class RequestGrain(Database database, Journal journal, LiveFeed feed, TimeProvider clock, ILogger<RequestGrain> logger)
    : Grain, IRequestGrain
{
    /// <summary>The problem's title when a child already held needs a deliberate parallel hold (pages ask for confirmation on it).</summary>
    public const string AlreadyHeldTitle = "Child already held";

    public async Task<HoldPlaced[]> PlaceHold(Actor desk, Guid requestId, Guid offeringId, Guid? matchingRoundId, bool parallel, string? outsidePolicyReason,
        IdempotentRequest? idempotency)
    {
        HoldCommand command;
        await using (var connection = await database.OpenAsync())
        {
            if (await Idempotency.StoredAsync<HoldPlaced[]>(connection, null, desk, idempotency) is { } stored)
                return stored;
            // The child, the region's rules and the child's holds in one read.
            var found = (await connection.QueryAsync<MarketRows.RequestRow, HoldLimits, (MarketRows.RequestRow Child, HoldLimits Limits)>($"""
                SELECT c.*, g.hold_hours AS HoldHours, g.max_parallel_holds AS MaxParallelHolds,
                       (SELECT count(*) FROM holds h WHERE h.request_id = c.Id AND h.status = 'active') AS ActiveHolds,
                       (SELECT count(*) FROM holds h WHERE h.request_id = c.Id AND h.status = 'active' AND h.offering_id = @offeringId) AS HeldHere
                FROM ({MarketRows.SelectRequests} WHERE id = @requestId AND region_code = @regionCode AND status = 'open') c
                JOIN regions g ON g.code = c.RegionCode
                """, (child, limits) => (child, limits), new { requestId, offeringId, regionCode = desk.RegionCode }, splitOn: "HoldHours")).ToList();
            if (found.Count == 0) throw MarketRuleException.NotFound("This open request");
            var (child, region) = found[0];
            if (RequestGrainKey.For(child.RegionCode, child.Id, child.SiblingGroup) != this.GetPrimaryKeyString())
                throw MarketRuleException.Conflict("Request changed", "The child's sibling group changed meanwhile; try again.");
            if (region.HeldHere > 0)
                throw MarketRuleException.Conflict("Already held", "This child already has a hold on this place.");
            if (region.ActiveHolds >= region.MaxParallelHolds)
                throw MarketRuleException.Conflict("Too many holds",
                    $"This child already has {region.ActiveHolds} holds; the region allows {region.MaxParallelHolds} at once.");
            if (region.ActiveHolds > 0 && !parallel)
                throw MarketRuleException.Conflict(AlreadyHeldTitle,
                    $"This child already has {region.ActiveHolds} hold(s) waiting for a provider's answer. Another hold takes a second scarce place: " +
                    $"place it only deliberately, as a parallel hold (at most {region.MaxParallelHolds} at once).");
            MarketRows.RequestRow[] children = child.SiblingGroup is null
                ? [child]
                : [.. await connection.QueryAsync<MarketRows.RequestRow>(
                    MarketRows.SelectRequests + " WHERE region_code = @regionCode AND sibling_group = @group AND status = 'open' ORDER BY id",
                    new { regionCode = desk.RegionCode, group = child.SiblingGroup })];
            command = new HoldCommand(desk, children, matchingRoundId, region.HoldHours, idempotency, region.ActiveHolds, outsidePolicyReason);
        }
        return await GrainFactory.GetGrain<IOfferingGrain>(offeringId).PlaceHolds(command);
    }

    public async Task<Guid[]> Accept(Actor provider, Guid holdId, Guid offeringId, DateOnly startDate, IdempotentRequest? idempotency)
    {
        var acceptance = await GrainFactory.GetGrain<IOfferingGrain>(offeringId).Accept(provider, holdId, startDate, idempotency);
        await ReleaseAsync(provider, acceptance.StillActiveElsewhere);
        return acceptance.PlacedRequests;
    }

    public async Task<bool> Withdraw(Actor desk, Guid requestId, string? reason)
    {
        List<MarketChange> changes;
        HoldAt[] active;
        await using (var connection = await database.OpenAsync())
        {
            await using var transaction = await database.BeginWriteAsync(connection);
            var version = await connection.QuerySingleOrDefaultAsync<long?>("""
                UPDATE requests SET status = 'withdrawn', closed_at = @now, version = version + 1
                WHERE id = @requestId AND region_code = @regionCode AND status = 'open'
                RETURNING version
                """, new { requestId, regionCode = desk.RegionCode, now = clock.GetUtcNow() }, transaction);
            if (version is null) return false;
            var record = journal.Record();
            record.Audit(desk, "request-withdrawn", "request", requestId.ToString(), desk.RegionCode, reason is null ? null : $"reason: {reason}");
            record.Publish(new MarketEvent(MarketEvent.RequestChanged, desk.RegionCode, null, requestId.ToString(), version.Value,
                new RequestChangedPayload(requestId, "withdrawn", version.Value)));
            changes = await record.WriteAsync(connection, transaction);
            active = await HoldAt.ActiveOfAsync(connection, transaction, [requestId]);
            await transaction.CommitAsync();
        }
        feed.Publish(changes);
        await ReleaseAsync(desk, active);
        return true;
    }

    /// <summary>Releases holds through their offerings' grains. What fails here, the region's reconciler releases later.</summary>
    private async Task ReleaseAsync(Actor actor, IEnumerable<HoldAt> holds)
    {
        foreach (var atOffering in holds.GroupBy(h => h.OfferingId).OrderBy(g => g.Key))
        {
            try
            {
                await GrainFactory.GetGrain<IOfferingGrain>(atOffering.Key).EndHolds(actor, [.. atOffering.Select(h => h.HoldId)], "released");
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or DbException)
            {
                logger.LogWarning(e, "Could not release {Count} hold(s) at offering {OfferingId} yet; the region's reconciler will",
                    atOffering.Count(), atOffering.Key);
            }
        }
    }

    private sealed class HoldLimits
    {
        public int HoldHours { get; init; }
        public int MaxParallelHolds { get; init; }
        public int ActiveHolds { get; init; }
        public int HeldHere { get; init; }
    }
}
