namespace Matchmaker.Matching.Purchasing;

/// <summary>
/// Pooled capacity (bovenregionale samenwerking): the same children and places matched as if every pool of regions
/// shared its places, and only its places. A pool is a group of regions: each region alone, the regions of one
/// expertise network, or the whole country. Contracts are left out of the question: pooling asks what geography does.
/// </summary>
public static class Pooling
{
    public sealed record PoolOutcome(Outcome Outcome, int PlacedOutsideOwnRegion);

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
        for (var r = 0; r < instance.Requests.Count; r++)
            if (allocation.PlaceOf[r] >= 0 && instance.Places[allocation.PlaceOf[r]].RegionId != instance.Requests[r].RegionId)
                outside++;
        return new PoolOutcome(Outcome.Of(pooled, allocation, asOf), outside);
    }
}
