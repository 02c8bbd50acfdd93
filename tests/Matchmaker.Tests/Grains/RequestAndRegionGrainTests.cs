using Matchmaker.Silo.Requests;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Grains;

public abstract class RequestAndRegionGrainTests(GrainCluster market)
{
    [Fact]
    public async Task OneChildHeldOnTenPlacesAtOnce_GetsNoMoreHoldsThanTheRegionAllows()
    {
        var places = await market.AlikeOfferingsAsync(count: 10, free: 2);
        var child = await market.ChildForAsync(places[0], maxDistanceKm: 400);
        var limit = await market.ScalarAsync<int>("SELECT max_parallel_holds FROM regions WHERE code = @Region", new { GrainCluster.Region });

        var held = await Task.WhenAll(places.Select(async place =>
        {
            try
            {
                return (await market.HoldAsync(child, place, parallel: true)).Length;
            }
            catch (MarketRuleException e) when (e.Code == RuleCode.TooManyHolds)
            {
                return 0;
            }
        }));

        Assert.True(places.Count > limit);
        Assert.Equal(limit, held.Sum());
        Assert.Equal((long)limit, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @child AND status = 'active'", new { child }));
    }

    [Fact]
    public async Task AcceptingOneHold_PlacesTheChild_AndReleasesItsHoldsElsewhere()
    {
        var first = await market.OfferingWithFreeUnitsAsync(nth: 40, free: 1);
        var second = await market.OfferingWithFreeUnitsAsync(nth: 41, free: 1);
        var child = await market.ChildForAsync(first.Id);
        var here = (await market.HoldAsync(child, first.Id))[0];
        var elsewhere = second.CareType == first.CareType ? (await market.HoldAsync(child, second.Id, parallel: true))[0] : null;

        var placed = await market.Grains.GetGrain<IRequestGrain>(RequestGrainKey.For(GrainCluster.Region, child))
            .Accept(await market.ProviderOfAsync(first.Id), here.HoldId, first.Id, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7), null);

        Assert.Equal([child], placed);
        Assert.Equal("placed", await market.ScalarAsync<string>("SELECT status FROM requests WHERE id = @child", new { child }));
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @child AND status = 'active'", new { child }));
        if (elsewhere is not null)
            Assert.Equal(second.HeldUnits, await market.ScalarAsync<int>("SELECT held_units FROM offerings WHERE id = @Id", new { second.Id }));
    }

    [Fact]
    public async Task TheReconciler_ReleasesTheHoldsOfARequestClosedByAStepWhoseNextStepNeverRan()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 50, free: 1);
        var child = await market.ChildForAsync(offering.Id);
        var hold = (await market.HoldAsync(child, offering.Id))[0];
        var region = market.Grains.GetGrain<IRegionGrain>(GrainCluster.Region);
        // A region ticks once on its timer as it activates: if that tick came after the orphaned hold below, it would be
        // the one to release it and the test's tick would find nothing. Two calls in turn: the activation's tick, queued
        // as the grain activated, has run before the second.
        await region.Tick();
        await region.Tick();
        // The node died after closing the request and before releasing the child's other holds.
        await market.ExecuteAsync("UPDATE requests SET status = 'withdrawn', version = version + 1 WHERE id = @child", new { child });

        var tick = await region.Tick();

        Assert.True(tick.Reconciled >= 1);
        Assert.Equal("released", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @HoldId", new { hold.HoldId }));
        Assert.Equal(offering.HeldUnits, await market.ScalarAsync<int>("SELECT held_units FROM offerings WHERE id = @Id", new { offering.Id }));
    }

    [Fact]
    public async Task ATick_ExpiresHoldsWhoseTimeIsUp_AndLeavesTheOthers()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 60, free: 2);
        var late = (await market.HoldAsync(await market.ChildForAsync(offering.Id), offering.Id))[0];
        var onTime = (await market.HoldAsync(await market.ChildForAsync(offering.Id), offering.Id))[0];
        await market.ExecuteAsync("UPDATE holds SET expires_at = @past WHERE id = @HoldId", new { past = DateTimeOffset.UtcNow.AddMinutes(-1), late.HoldId });

        await market.Grains.GetGrain<IRegionGrain>(GrainCluster.Region).Tick();

        Assert.Equal("expired", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @HoldId", new { late.HoldId }));
        Assert.Equal("active", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @HoldId", new { onTime.HoldId }));
        Assert.Equal(offering.HeldUnits + 1, await market.ScalarAsync<int>("SELECT held_units FROM offerings WHERE id = @Id", new { offering.Id }));
    }

    [Fact]
    public async Task AMatchingRound_OfARegionThatDoesNotExist_IsNotFound()
    {
        var refused = await Assert.ThrowsAsync<MarketRuleException>(() =>
            market.Grains.GetGrain<IRegionGrain>("atlantis").RunMatchingRound(GrainCluster.Desk with { RegionCode = "atlantis" }, RoundOptions.Remembering));

        Assert.Equal(RuleCode.NotFound, refused.Code);
    }
}

[Collection(SqliteGrainClusterCollection.Name), Trait(Lane.Name, Lane.Fast)]
public sealed class RequestAndRegionGrainTestsOnSqlite(SqliteGrainCluster market) : RequestAndRegionGrainTests(market);

[Collection(PostgresGrainClusterCollection.Name), Trait(Lane.Name, Lane.Integration)]
public sealed class RequestAndRegionGrainTestsOnPostgres(PostgresGrainCluster market) : RequestAndRegionGrainTests(market);
