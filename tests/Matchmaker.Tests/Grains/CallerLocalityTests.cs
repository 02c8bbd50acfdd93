using Matchmaker.Silo.Grains;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Matchmaker.Tests.Grains;

/// <summary>
/// Grains follow the node their calls come from. The calls here are made as a web node makes them: through one silo's
/// own grain factory, from outside any grain.
/// </summary>
public abstract class CallerLocalityTests(GrainCluster market)
{
    [Fact]
    public async Task AnOfferingCalledFromAnotherNode_MovesThere_OnlyAfterEnoughCallsInARow_AndKeepsItsUnits()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 70, free: 3);
        var provider = await market.ProviderOfAsync(offering.Id);
        var home = await HostOfAsync(offering.Id);
        var other = market.Cluster.Silos.Single(silo => !silo.SiloAddress.Equals(home));
        var fromOther = GrainsOf(other).GetGrain<IOfferingGrain>(offering.Id);

        for (var i = 0; i < CallerLocality.Enough - 1; i++) await fromOther.Confirm(provider);
        await Task.Delay(300);
        var beforeTheLast = await HostOfAsync(offering.Id);
        await fromOther.Confirm(provider);

        Assert.Equal(home, beforeTheLast);
        Assert.True(await HostedByAsync(offering.Id, other.SiloAddress), "the offering stayed where its calls do not come from");
        var after = await fromOther.StepFreeUnits(provider, -1);
        Assert.Equal(offering.FreeUnits - 1, after.FreeUnits);
        Assert.Equal(offering.TotalUnits, after.TotalUnits);
    }

    [Fact]
    public async Task AnOfferingCalledFromBothNodesInTurn_StaysWhereItIs()
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 71, free: 3);
        var provider = await market.ProviderOfAsync(offering.Id);
        var home = await HostOfAsync(offering.Id);

        for (var i = 0; i < 3 * CallerLocality.Enough; i++)
            await GrainsOf(market.Cluster.Silos[i % 2]).GetGrain<IOfferingGrain>(offering.Id).Confirm(provider);

        Assert.False(await HostedByAsync(offering.Id, market.Cluster.Silos.Single(silo => !silo.SiloAddress.Equals(home)).SiloAddress),
            "the offering moved although its calls came from both nodes in turn");
    }

    [Fact]
    public async Task AChildsRequestHeldFromAnotherNode_MovesThere_AndItsHoldsStillCount()
    {
        var offerings = await market.AlikeOfferingsAsync(count: 1, free: 40);
        var offeringId = offerings[0];
        var child = await market.ChildForAsync(offeringId);
        await market.HoldAsync(child, offeringId);
        var request = market.Grains.Request(GrainCluster.Region, child);
        var home = await HostOfAsync(request);
        var other = market.Cluster.Silos.Single(silo => !silo.SiloAddress.Equals(home));
        var provider = await market.ProviderOfAsync(offeringId);

        for (var i = 0; i < CallerLocality.Enough; i++)
        {
            var holds = await market.ScalarAsync<string>("SELECT CAST(id AS TEXT) FROM holds WHERE request_id = @child AND status = 'active'", new { child });
            await GrainsOf(other).GetGrain<IOfferingGrain>(offeringId).Decline(provider, Guid.Parse(holds), "no-capacity", null, null);
            await GrainsOf(other).PlaceHoldAsync(GrainCluster.Desk, child, offeringId, null, null, false);
        }

        Assert.True(await HostedByAsync(request, other.SiloAddress), "the child's request stayed where its calls do not come from");
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @child AND status = 'active'", new { child }));
    }

    private static IGrainFactory GrainsOf(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<IGrainFactory>();

    private Task<SiloAddress?> HostOfAsync(Guid offeringId) => HostOfAsync(market.Grains.GetGrain<IOfferingGrain>(offeringId));

    private async Task<SiloAddress?> HostOfAsync(IAddressable grain) =>
        await market.Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);

    private Task<bool> HostedByAsync(Guid offeringId, SiloAddress silo) => HostedByAsync(market.Grains.GetGrain<IOfferingGrain>(offeringId), silo);

    /// <summary>A move happens once the grain is idle: wait for it a while.</summary>
    private async Task<bool> HostedByAsync(IAddressable grain, SiloAddress silo)
    {
        for (var waited = 0; waited < 50; waited++)
        {
            if (silo.Equals(await HostOfAsync(grain))) return true;
            await Task.Delay(100);
        }
        return false;
    }
}

[Collection(SqliteGrainClusterCollection.Name), Trait(Lane.Name, Lane.Fast)]
public sealed class CallerLocalityTestsOnSqlite(SqliteGrainCluster market) : CallerLocalityTests(market);

[Collection(PostgresGrainClusterCollection.Name), Trait(Lane.Name, Lane.Integration)]
public sealed class CallerLocalityTestsOnPostgres(PostgresGrainCluster market) : CallerLocalityTests(market);
