using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Retention;
using Matchmaker.Tests.Grains;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Retention;

/// <summary>Retention as the engine runs it: by the region's grain, on its clock, in a cluster of two silos.</summary>
public abstract class RegionRetentionGrainTests(GrainCluster market)
{
    [Fact]
    public async Task TheRegionsGrain_ReducesItsChildClosedLongAgo_AndNotAnotherRegionsChild()
    {
        var s = RetentionScenario.Over(market.Database);
        var other = await market.ScalarAsync<string>("SELECT code FROM regions WHERE code <> @Region ORDER BY code LIMIT 1", new { GrainCluster.Region });
        var child = await s.ChildAsync(GrainCluster.Region, closedMonthsAgo: 25);
        var elsewhere = await s.ChildAsync(other, closedMonthsAgo: 25);

        var run = await market.Grains.GetGrain<IRegionGrain>(GrainCluster.Region).RunRetention();

        Assert.True(run.RequestsReduced >= 1);
        Assert.Equal($"{RegionRetention.Marker} {child}", (await s.ReadAsync(child)).CaseReference);
        Assert.Null((await s.ReadAsync(elsewhere)).ReducedAt);
    }

    [Fact]
    public async Task TheRegionsClock_RunsRetention_WithoutBeingAsked()
    {
        // A region no test asks to run its retention: an entry can only come from its clock.
        var region = await market.ScalarAsync<string>("SELECT code FROM regions ORDER BY code DESC LIMIT 1");
        await market.Grains.GetGrain<IRegionGrain>(region).Start();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        long runs;
        while ((runs = await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE region_code = @region AND action = 'retention-run'",
                   new { region })) == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(100);

        Assert.True(runs >= 1);
    }

    [Fact]
    public async Task TheAuditRetentionGrain_RemovesOldEntriesWithoutARegion()
    {
        var s = RetentionScenario.Over(market.Database);
        var marker = Guid.NewGuid().ToString();
        await s.AuditAsync(null, s.Now.AddMonths(-61), "user-signed-in", "user", marker, "old sign-in");

        await market.Grains.GetGrain<IAuditRetentionGrain>(0).Run();

        Assert.Equal(0, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE subject_id = @marker", new { marker }));
    }

    [Fact]
    public async Task RetentionOfARegionThatDoesNotExist_IsNotFound()
    {
        var refused = await Assert.ThrowsAsync<MarketRuleException>(() => market.Grains.GetGrain<IRegionGrain>("atlantis").RunRetention());

        Assert.Equal(RuleCode.NotFound, refused.Code);
    }
}

[Collection(SqliteGrainClusterCollection.Name), Trait(Lane.Name, Lane.Fast)]
public sealed class RegionRetentionGrainTestsOnSqlite(SqliteGrainCluster market) : RegionRetentionGrainTests(market);

[Collection(PostgresGrainClusterCollection.Name), Trait(Lane.Name, Lane.Integration)]
public sealed class RegionRetentionGrainTestsOnPostgres(PostgresGrainCluster market) : RegionRetentionGrainTests(market);
