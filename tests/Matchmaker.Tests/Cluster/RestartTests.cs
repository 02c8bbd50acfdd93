using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Cluster;

[Trait(Lane.Name, Lane.Cluster)]
public sealed class RestartTests
{
    [Fact]
    public async Task TheOneNode_RestartedAfterAHoldRanOutWhileItWasDown_ExpiresTheHoldRightAfterStart()
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        Guid holdId;
        MarketScenario.OfferingFacts offering;
        await using (var first = await WebNode.StartAsync(database))
        {
            await using var market = MarketScenario.On(database, first);
            offering = await market.OfferingWithFreeUnitsAsync(free: 1);
            var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RESTART-1"));
            var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
            holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
            await first.KillAsync();
        }
        // While no node runs, the hold's time runs out.
        await using (var connection = await database.Database.OpenAsync())
            await connection.ExecuteAsync("UPDATE holds SET expires_at = @past WHERE id = @holdId", new { past = DateTimeOffset.UtcNow.AddMinutes(-5), holdId });

        await using var second = await WebNode.StartAsync(database);
        await using var market2 = MarketScenario.On(database, second);
        var status = await PollAsync(() => market2.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId }),
            "expired", TimeSpan.FromSeconds(5));

        Assert.Equal("expired", status);
        Assert.Equal(offering.HeldUnits, (await market2.FactsAsync(offering.Id)).HeldUnits);
    }

    internal static async Task<T> PollAsync<T>(Func<Task<T>> read, T wanted, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var value = await read();
        while (!Equals(value, wanted) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            value = await read();
        }
        return value;
    }
}
