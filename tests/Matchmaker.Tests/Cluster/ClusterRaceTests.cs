using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Cluster;

/// <summary>The last unit on real nodes: a cluster on PostgreSQL and Redis, and two clusters that share one database by mistake.</summary>
[Trait(Lane.Name, Lane.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class ClusterRaceTests(SharedCluster cluster)
{
    [Fact]
    public async Task TwoNodesOfOneCluster_SixtyFourHoldsThroughBoth_ExactlyOneGetsTheLastUnit()
    {
        var (database, a, b, _) = await cluster.StartAsync();
        await using var onA = MarketScenario.On(database, a);
        await using var onB = MarketScenario.On(database, b);

        await LastUnitRace.RunAndCheckAsync(onA, [onA.Desk, onB.Desk]);
    }

    [Fact]
    public async Task TwoSeparateClustersOnOneDatabase_EachWithItsOwnActivation_StillGiveTheLastUnitToExactlyOne()
    {
        await using var database = await TestDatabase.CreateSeededAsync("postgres");
        // Two one-node clusters (localhost clustering) do not know each other: each activates the offering itself,
        // and only the row's version keeps them from booking the unit twice.
        await using var a = await WebNode.StartAsync(database);
        await using var b = await WebNode.StartAsync(database);
        await using var onA = MarketScenario.On(database, a);
        await using var onB = MarketScenario.On(database, b);

        await LastUnitRace.RunAndCheckAsync(onA, [onA.Desk, onB.Desk]);
    }
}
