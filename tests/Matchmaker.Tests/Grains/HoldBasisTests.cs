using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Grains;

/// <summary>
/// A child's next hold is judged on what its request grain remembers of the last one; the hold's command checks that
/// against the rows, and only the rows refuse.
/// </summary>
public abstract class HoldBasisTests(GrainCluster market)
{
    [Fact]
    public async Task AHoldThatEndedWhereTheChildsGrainDidNotHear_DoesNotStopTheChildsNextHold()
    {
        var (child, places) = await ChildOnAlikePlacesAsync();
        await EndUnheardAsync((await market.HoldAsync(child, places[0]))[0]);

        var next = (await market.HoldAsync(child, places[1]))[0];

        Assert.Equal("active", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @HoldId", new { next.HoldId }));
    }

    [Fact]
    public async Task AParallelHold_AfterTheChildsOtherHoldEndedUnheard_IsRecordedWithTheHoldsTheChildHasInTheRows()
    {
        var (child, places) = await ChildOnAlikePlacesAsync();
        await EndUnheardAsync((await market.HoldAsync(child, places[0]))[0]);

        var next = (await market.HoldAsync(child, places[1], parallel: true))[0];

        var detail = await market.ScalarAsync<string>(
            "SELECT detail FROM audit_log WHERE action = 'hold-placed' AND subject_id = @id", new { id = next.HoldId.ToString() });
        Assert.DoesNotContain("in parallel", detail);
    }

    [Fact]
    public async Task ALimitTheRegionLoweredAfterTheChildsLastHold_RefusesItsNextParallelHold()
    {
        var (child, places) = await ChildOnAlikePlacesAsync();
        await market.HoldAsync(child, places[0]);
        var limit = await market.ScalarAsync<int>("SELECT max_parallel_holds FROM regions WHERE code = @Region", new { GrainCluster.Region });
        Assert.True(limit > 1);
        await market.ExecuteAsync("UPDATE regions SET max_parallel_holds = 1 WHERE code = @Region", new { GrainCluster.Region });
        try
        {
            var refused = await Assert.ThrowsAsync<MarketRuleException>(() => market.HoldAsync(child, places[1], parallel: true));

            Assert.Equal(RuleCode.TooManyHolds, refused.Code);
            Assert.Equal(1L, await market.ScalarAsync<long>(
                "SELECT count(*) FROM holds WHERE request_id = @child AND status = 'active'", new { child }));
        }
        finally
        {
            await market.ExecuteAsync("UPDATE regions SET max_parallel_holds = @limit WHERE code = @Region", new { limit, GrainCluster.Region });
        }
    }

    [Fact]
    public async Task AHoldTimeTheRegionChangedAfterTheChildsLastHold_IsTheOneTheNextHoldGets()
    {
        var (child, places) = await ChildOnAlikePlacesAsync();
        await market.HoldAsync(child, places[0]);
        var hours = await market.ScalarAsync<int>("SELECT hold_hours FROM regions WHERE code = @Region", new { GrainCluster.Region });
        await market.ExecuteAsync("UPDATE regions SET hold_hours = @shorter WHERE code = @Region", new { shorter = hours - 1, GrainCluster.Region });
        try
        {
            var before = DateTimeOffset.UtcNow;
            var next = (await market.HoldAsync(child, places[1], parallel: true))[0];

            Assert.InRange(next.ExpiresAt, before.AddHours(hours - 1), DateTimeOffset.UtcNow.AddHours(hours - 1));
        }
        finally
        {
            await market.ExecuteAsync("UPDATE regions SET hold_hours = @hours WHERE code = @Region", new { hours, GrainCluster.Region });
        }
    }

    /// <summary>A new child and three places of one kind of care that all suit it, each with a unit free.</summary>
    private async Task<(Guid Child, List<Guid> Places)> ChildOnAlikePlacesAsync()
    {
        var places = await market.AlikeOfferingsAsync(count: 3, free: 1);
        return (await market.ChildForAsync(places[0], maxDistanceKm: 400), places);
    }

    /// <summary>Ends a hold in the rows alone (as another node's grain might), its unit given back: the child's grain hears nothing.</summary>
    private async Task EndUnheardAsync(HoldPlaced hold)
    {
        await market.ExecuteAsync("UPDATE holds SET status = 'released', answered_at = @now WHERE id = @HoldId", new { now = DateTimeOffset.UtcNow, hold.HoldId });
        await market.ExecuteAsync("UPDATE offerings SET held_units = held_units - 1, version = version + 1 WHERE id = @OfferingId", new { hold.OfferingId });
    }
}

[Collection(SqliteGrainClusterCollection.Name), Trait(Lane.Name, Lane.Fast)]
public sealed class HoldBasisTestsOnSqlite(SqliteGrainCluster market) : HoldBasisTests(market);

[Collection(PostgresGrainClusterCollection.Name), Trait(Lane.Name, Lane.Integration)]
public sealed class HoldBasisTestsOnPostgres(PostgresGrainCluster market) : HoldBasisTests(market);
