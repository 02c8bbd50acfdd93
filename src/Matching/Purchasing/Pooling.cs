namespace Matchmaker.Matching.Purchasing;

/// <summary>
/// Pooled capacity (bovenregionale samenwerking): the same children and places matched as if every pool of regions
/// shared its places, and only its places. A pool is a group of regions: each region alone, the regions of one
/// expertise network, or the whole country. Contracts are left out of the question: pooling asks what geography does.
/// </summary>
public static class Pooling
{
    /// <summary>A region's own children in a pooled match: how many got a place, and how many of those outside the region.</summary>
    public sealed record RegionOutcome(int Placed, int PlacedOutside);

    /// <param name="ByRegion">per region of the children (every region that has a waiting child)</param>
    public sealed record PoolOutcome(Outcome Outcome, int PlacedOutsideOwnRegion, IReadOnlyDictionary<string, RegionOutcome> ByRegion);

    /// <param name="poolOf">the pool of a region (its code when it stands alone)</param>
    public static PoolOutcome Solve(MatchingInstance instance, Func<string, string> poolOf, DateOnly asOf)
    {
        // Within a pool every place counts as "in the region": the matcher's region rule then keeps each child in its pool.
        var pooled = new MatchingInstance(
            instance.Places.Select(p => p with { RegionId = poolOf(p.RegionId) }).ToList(),
            instance.Requests.Select(r => r with { RegionId = poolOf(r.RegionId) }).ToList(),
            new AllocationPolicy(AllowOutOfRegion: false, AllowNonContracted: true));
        var allocation = Matcher.Allocate(pooled);
        var outside = 0;
        var byRegion = new Dictionary<string, RegionOutcome>();
        for (var r = 0; r < instance.Requests.Count; r++)
        {
            var region = instance.Requests[r].RegionId;
            var placed = allocation.PlaceOf[r] >= 0;
            var elsewhere = placed && instance.Places[allocation.PlaceOf[r]].RegionId != region;
            if (elsewhere) outside++;
            var before = byRegion.GetValueOrDefault(region, new RegionOutcome(0, 0));
            byRegion[region] = new RegionOutcome(before.Placed + (placed ? 1 : 0), before.PlacedOutside + (elsewhere ? 1 : 0));
        }
        return new PoolOutcome(Outcome.Of(pooled, allocation, asOf), outside, byRegion);
    }
}
