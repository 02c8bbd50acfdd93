using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed class ConcurrencyTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SixtyFourDesksRacingForTheLastUnit_ExactlyOneGetsIt_AndTheOthersHearThePlaceIsTaken(string provider)
    {
        var market = await markets.ForAsync(provider);

        await LastUnitRace.RunAndCheckAsync(market, [market.Desk]);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AcceptRacingExpiry_ExactlyOneWins_AndTheUnitsStayConsistent(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 20);
        var outcomes = new List<string>();
        for (var round = 0; round < 12; round++)
        {
            var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, $"EXP-{round:00}"));
            var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
            var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
            // The hold runs out a moment from now, while the provider's accept and the engine's expiry race for it.
            await market.ExecuteAsync("UPDATE holds SET expires_at = @soon WHERE id = @holdId",
                new { soon = DateTimeOffset.UtcNow.AddMilliseconds(25 + round * 5), holdId });
            await Task.Delay(20);
            var accept = market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/accept", new { startDate = MarketScenario.InDays(8) });
            var expire = Task.Run(async () =>
            {
                var expired = 0;
                for (var i = 0; i < 20 && expired == 0; i++)
                {
                    expired = (await market.RegionGrain.Tick()).Expired;
                    await Task.Delay(5);
                }
                return expired;
            });
            var accepted = (await accept).StatusCode == HttpStatusCode.OK;
            await expire;
            var status = await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId });
            Assert.Equal(accepted ? "accepted" : "expired", status);
            outcomes.Add(status);
        }
        var after = await market.FactsAsync(offering.Id);

        Assert.Equal(offering.HeldUnits, after.HeldUnits);
        Assert.Equal(offering.OccupiedUnits + outcomes.Count(o => o == "accepted"), after.OccupiedUnits);
        Assert.Equal(outcomes.Count(o => o == "accepted"), await market.ScalarAsync<long>(
            "SELECT count(*) FROM placements WHERE offering_id = @Id AND created_at > @since", new { offering.Id, since = DateTimeOffset.UtcNow.AddHours(-1) }));
    }
}
