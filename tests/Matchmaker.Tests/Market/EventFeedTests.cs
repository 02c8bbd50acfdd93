using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>Systems pull what happened from an ordered, resumable feed: each caller only its own part.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFlowsCollection.Name)]
public sealed class EventFeedTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AHold_ReachesTheDesksAndTheProvidersFeed_TheProviderWithoutTheRequestId_AndNoOtherRegion(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var deskStart = await CursorAsync(market.Desk);
        var otherStart = await CursorAsync(market.OtherDesk);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "EVENT-0001"));
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();

        var desk = await EventsAsync(market.Desk, deskStart);
        var providers = await EventsAsync(market.Provider, 0);
        var other = await EventsAsync(market.OtherDesk, otherStart);
        var resumed = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/events?after={desk[^1].GetProperty("id").GetInt64()}");
        var firstOnly = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/events?after={deskStart}&limit=1");

        Assert.Contains(desk, e => e.GetProperty("topic").GetString() == "requestChanged" && e.GetProperty("data").GetProperty("requestId").GetGuid() == requestId);
        Assert.Contains(desk, e => e.GetProperty("topic").GetString() == "holdChanged" && e.GetProperty("data").GetProperty("requestId").GetGuid() == requestId);
        Assert.Contains(providers, e => e.GetProperty("topic").GetString() == "proposalReceived" && e.GetProperty("data").GetProperty("holdId").GetGuid() == holdId);
        Assert.Contains(providers, e => e.GetProperty("topic").GetString() == "holdChanged" && e.GetProperty("data").GetProperty("holdId").GetGuid() == holdId);
        Assert.DoesNotContain(providers, e => e.GetProperty("data").TryGetProperty("requestId", out _));
        Assert.DoesNotContain(other, e => e.GetProperty("data").ToString().Contains(requestId.ToString()) || e.GetProperty("data").ToString().Contains(holdId.ToString()));
        Assert.Equal(0, resumed.GetProperty("events").GetArrayLength());
        Assert.Equal(desk[^1].GetProperty("id").GetInt64(), resumed.GetProperty("cursor").GetInt64());
        Assert.True(firstOnly.GetProperty("more").GetBoolean());
        Assert.True(desk.Select(e => e.GetProperty("id").GetInt64()).SequenceEqual(desk.Select(e => e.GetProperty("id").GetInt64()).Order()));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACursorBeyondTheNewestEvent_IsRefusedNamingAfter_TheNewestItselfIsNot(string provider)
    {
        var market = await markets.ForAsync(provider);
        var newest = await market.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM outbox");

        var beyond = await market.Desk.GetAsync($"/api/v1/events?after={newest + 1000}");
        var atTheNewest = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/events?after={newest}");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, beyond.StatusCode);
        Assert.True((await beyond.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("after", out _));
        Assert.Equal(newest, atTheNewest.GetProperty("cursor").GetInt64());
    }

    private static async Task<long> CursorAsync(HttpClient client)
    {
        long cursor = 0;
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/events?after={cursor}&limit=500");
            cursor = page.GetProperty("cursor").GetInt64();
            if (!page.GetProperty("more").GetBoolean()) return cursor;
        }
    }

    private static async Task<List<JsonElement>> EventsAsync(HttpClient client, long after)
    {
        var events = new List<JsonElement>();
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/events?after={after}&limit=500");
            events.AddRange(page.GetProperty("events").EnumerateArray());
            after = page.GetProperty("cursor").GetInt64();
            if (!page.GetProperty("more").GetBoolean()) return events;
        }
    }
}
