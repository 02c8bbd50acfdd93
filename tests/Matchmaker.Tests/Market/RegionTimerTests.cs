using Dapper;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Market;

public sealed class RegionTimerTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ATick_RunsAScheduledRoundOnlyForRegionsThatEnabledIt(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        await market.ExecuteAsync("UPDATE regions SET scheduled_matching = true WHERE code = @Region", new { Region = MarketScenario.Region });
        var timers = market.App.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<RegionTimers>().Single();

        await timers.TickAsync(CancellationToken.None);
        await timers.TickAsync(CancellationToken.None);

        Assert.Equal(1, await market.ScalarAsync<long>("SELECT count(*) FROM matching_rounds WHERE region_code = @Region", new { Region = MarketScenario.Region }));
        Assert.Equal(0, await market.ScalarAsync<long>("SELECT count(*) FROM matching_rounds WHERE region_code <> @Region", new { Region = MarketScenario.Region }));
    }
}
