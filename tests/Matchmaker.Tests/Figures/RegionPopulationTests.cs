using Matchmaker.Silo.Figures;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Figures;

/// <summary>The children per region, loaded by the operator, turn the national table's waiting children into a rate per 10,000.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed class RegionPopulationTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ALoadedYear_IsTheNewestShown_AndTheNationalTableShowsWaitingPer10000Children(string provider)
    {
        var market = await markets.ForAsync(provider);
        var database = market.App.Services.GetRequiredService<Silo.Data.Database>();
        var nextYear = DateTime.UtcNow.Year + 1;
        var lines = RegionPopulation.Read($"regio;jaar;kinderen\nRijnmond;{nextYear};250000\n", [(MarketScenario.Region, "Rijnmond")], DateTime.UtcNow.Year).Lines;

        try
        {
            await RegionPopulation.StoreAsync(database, lines, DateTimeOffset.UtcNow);
            var latest = await new RegionPopulations(database).LatestAsync();
            var national = market.App.CreateClient();
            await SignIn.AsDemoAsync(national, MarketScenario.Region, "national");
            var page = await national.GetStringAsync("/landelijk?sorteer=per-10000&volgorde=af");

            Assert.Equal(new RegionPopulations.Latest(nextYear, 250_000), latest[MarketScenario.Region]);
            Assert.Contains("Wachtend per 10.000 kinderen", page);
            Assert.Contains("data-column=\"per-10000\"", page);
            Assert.True(await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'population-loaded' AND detail LIKE @year", new { year = $"%{nextYear}%" }) >= 1);
        }
        finally
        {
            await market.ExecuteAsync("DELETE FROM region_population WHERE year = @nextYear", new { nextYear });
        }
    }
}
