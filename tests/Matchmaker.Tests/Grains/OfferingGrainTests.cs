using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Grains;

public abstract class OfferingGrainTests(GrainCluster market)
{
    [Fact]
    public async Task SixtyFourHoldsAtOnce_OnTheLastUnit_ExactlyOneWins_AndTheCountsAgree()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 0, free: 1);
        var children = new List<Guid>();
        for (var i = 0; i < 64; i++) children.Add(await market.ChildForAsync(offering.Id));

        var attempts = await Task.WhenAll(children.Select(async child =>
        {
            try
            {
                return (await market.HoldAsync(child, offering.Id)).Length;
            }
            catch (MarketRuleException e) when (e.Code == RuleCode.PlaceTaken)
            {
                return 0;
            }
        }));

        Assert.Equal(1, attempts.Count(held => held == 1));
        Assert.Equal(offering.HeldUnits + 1, await market.ScalarAsync<int>("SELECT held_units FROM offerings WHERE id = @Id", new { offering.Id }));
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE offering_id = @Id AND status = 'active'", new { offering.Id }));
    }

    [Fact]
    public async Task AWriteFromAStaleActivation_IsRefused_AndTheGrainReloadsAndJudgesAgain()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 1, free: 1);
        var child = await market.ChildForAsync(offering.Id);
        // Another activation (a second cluster on the same database) takes the last unit behind this grain's back.
        await market.ExecuteAsync("UPDATE offerings SET held_units = held_units + 1, version = version + 1 WHERE id = @Id", new { offering.Id });

        var refused = await Assert.ThrowsAsync<MarketRuleException>(() => market.HoldAsync(child, offering.Id));

        Assert.Equal(RuleCode.PlaceTaken, refused.Code);
        Assert.Equal(offering.HeldUnits + 1, await market.ScalarAsync<int>("SELECT held_units FROM offerings WHERE id = @Id", new { offering.Id }));
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @child", new { child }));
    }

    [Fact]
    public async Task ARefusalFromAStaleActivation_IsJudgedAgainOnTheRow_WhenAnotherActivationFreedAUnit()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 6, free: 0);
        var child = await market.ChildForAsync(offering.Id);
        var refusedWhileFull = await Assert.ThrowsAsync<MarketRuleException>(() => market.HoldAsync(child, offering.Id));
        // Another activation frees a unit behind this grain's back; this one still remembers the place as full.
        await market.ExecuteAsync("UPDATE offerings SET total_units = total_units + 1, version = version + 1 WHERE id = @Id", new { offering.Id });

        var held = await market.HoldAsync(child, offering.Id);

        Assert.Equal(RuleCode.PlaceTaken, refusedWhileFull.Code);
        Assert.Single(held);
        Assert.Equal(offering.HeldUnits + 1, await market.ScalarAsync<int>("SELECT held_units FROM offerings WHERE id = @Id", new { offering.Id }));
    }

    [Fact]
    public async Task AnIdempotentHold_SentAgainAndAtOnce_ReturnsTheFirstResult_AndTakesOneUnit()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 2, free: 5);
        var child = await market.ChildForAsync(offering.Id);
        var key = new IdempotentRequest($"key-{Guid.NewGuid()}", $"placeHold {offering.Id} {child}");

        var first = await market.HoldAsync(child, offering.Id, key);
        var retries = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => market.HoldAsync(child, offering.Id, key)));

        Assert.All(retries, retry => Assert.Equal(first, retry));
        Assert.Equal(offering.HeldUnits + 1, await market.ScalarAsync<int>("SELECT held_units FROM offerings WHERE id = @Id", new { offering.Id }));
    }

    [Fact]
    public async Task AKeyUsedForAnotherRequest_IsRefusedWith422()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 3, free: 5);
        var child = await market.ChildForAsync(offering.Id);
        var other = await market.ChildForAsync(offering.Id);
        var key = $"key-{Guid.NewGuid()}";
        await market.HoldAsync(child, offering.Id, new IdempotentRequest(key, $"placeHold {offering.Id} {child}"));

        var refused = await Assert.ThrowsAsync<MarketRuleException>(() =>
            market.HoldAsync(other, offering.Id, new IdempotentRequest(key, $"placeHold {offering.Id} {other}")));

        Assert.Equal(RuleCode.IdempotencyKeyReused, refused.Code);
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @other", new { other }));
    }

    [Fact]
    public async Task SettingCapacity_BelowWhatIsHeld_IsRefused_AndChangesNothing()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 4, free: 1);
        await market.HoldAsync(await market.ChildForAsync(offering.Id), offering.Id);
        var grain = market.Grains.GetGrain<IOfferingGrain>(offering.Id);

        var refused = await Assert.ThrowsAsync<MarketRuleException>(() =>
            market.ProviderOfAsync(offering.Id).ContinueWith(p => grain.SetCapacity(p.Result, offering.OccupiedUnits, offering.OccupiedUnits, null)).Unwrap());

        Assert.Equal(RuleCode.UnitsHeld, refused.Code);
        Assert.Equal(offering.TotalUnits, await market.ScalarAsync<int>("SELECT total_units FROM offerings WHERE id = @Id", new { offering.Id }));
    }

    [Fact]
    public async Task AnotherProvider_CannotChangeTheOffering_ItDoesNotExistForThem()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 5, free: 1);
        var stranger = new Actor(Guid.NewGuid(), "api-client", "provider", null, Guid.NewGuid());

        var refused = await Assert.ThrowsAsync<MarketRuleException>(() =>
            market.Grains.GetGrain<IOfferingGrain>(offering.Id).SetCapacity(stranger, 99, 0, null));

        Assert.Equal(RuleCode.NotFound, refused.Code);
    }
}

[Collection(SqliteGrainClusterCollection.Name), Trait(Lane.Name, Lane.Fast)]
public sealed class OfferingGrainTestsOnSqlite(SqliteGrainCluster market) : OfferingGrainTests(market);

[Collection(PostgresGrainClusterCollection.Name), Trait(Lane.Name, Lane.Integration)]
public sealed class OfferingGrainTestsOnPostgres(PostgresGrainCluster market) : OfferingGrainTests(market);
