using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Matchmaker.Tests.Market;

public sealed class RegionLeaseTests
{
    private static readonly string[] Regions = ["rijnmond", "haaglanden", "twente"];

    [Fact]
    public async Task OnPostgres_EachRegionIsOwnedByOneNode_AndANodeThatDiesHandsItsRegionsOver()
    {
        await using var test = await TestDatabase.CreateAsync("postgres");
        await new Migrator(test.Database).MigrateAsync();
        var first = new RegionLeases(test.Database, NullLogger<RegionLeases>.Instance);
        await using var second = new RegionLeases(test.Database, NullLogger<RegionLeases>.Instance);

        var ownedByFirst = (await first.RefreshAsync(Regions, CancellationToken.None)).ToList();
        var ownedBySecond = (await second.RefreshAsync(Regions, CancellationToken.None)).ToList();
        await first.DisposeAsync();
        // The server ends the closed session a moment later; the surviving node takes over at one of its next ticks.
        var afterFailover = new List<string>();
        for (var tick = 0; tick < 50 && afterFailover.Count < Regions.Length; tick++)
        {
            afterFailover = (await second.RefreshAsync(Regions, CancellationToken.None)).ToList();
            if (afterFailover.Count < Regions.Length) await Task.Delay(100);
        }

        Assert.Equal(Regions.Order(), ownedByFirst.Order());
        Assert.Empty(ownedBySecond);
        Assert.Equal(Regions.Order(), afterFailover.Order());
    }

    [Fact]
    public async Task OnSqlite_TheOneNodeOwnsEveryRegion()
    {
        await using var test = await TestDatabase.CreateAsync("sqlite");
        await using var leases = new RegionLeases(test.Database, NullLogger<RegionLeases>.Instance);

        Assert.Equal(Regions.Order(), (await leases.RefreshAsync(Regions, CancellationToken.None)).Order());
    }
}
