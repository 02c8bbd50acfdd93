using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>One test per resource: another region's desk, or another provider, gets 404 and changes nothing.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFlowsCollection.Name)]
public sealed class IsolationTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Requests_OfAnotherRegion_AreNotFound(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "ISO-0001"));
        var path = $"/api/v1/regions/{MarketScenario.Region}/requests";

        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.GetAsync($"{path}/{requestId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.PatchAsJsonAsync($"{path}/{requestId}", new { urgency = "crisis" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.DeleteAsync($"{path}/{requestId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.PostAsJsonAsync(path, MarketScenario.ChildFor(offering, "ISO-0002"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.GetAsync($"/api/v1/regions/{MarketScenario.OtherRegion}/requests/{requestId}")).StatusCode);
        Assert.Equal("open", await market.ScalarAsync<string>("SELECT status FROM requests WHERE id = @requestId", new { requestId }));
        Assert.Equal("urgent", await market.ScalarAsync<string>("SELECT urgency FROM requests WHERE id = @requestId", new { requestId }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AvailabilityMatchingRoundsAndAudit_OfAnotherRegion_AreNotFound(string provider)
    {
        var market = await markets.ForAsync(provider);
        var round = await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null);
        var roundId = (await round.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.GetAsync($"/api/v1/regions/{MarketScenario.Region}/availability")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.GetAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds/{roundId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.GetAsync($"/api/v1/regions/{MarketScenario.OtherRegion}/matching-rounds/{roundId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await market.OtherDesk.GetAsync($"/api/v1/regions/{MarketScenario.Region}/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await market.Desk.GetAsync($"/api/v1/regions/{MarketScenario.Region}/audit")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task HoldsAndPlacements_OfAnotherRegionOrProvider_AreNotFound(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 2);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "ISO-0003"));

        var foreignHold = await market.OtherDesk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        var foreignAccept = await market.OtherProvider.PostAsJsonAsync($"/api/v1/holds/{holdId}/accept", new { startDate = MarketScenario.InDays(8) });
        var foreignDecline = await market.OtherProvider.PostAsJsonAsync($"/api/v1/holds/{holdId}/decline", new { reason = "safety" });
        var othersList = await market.OtherProvider.GetFromJsonAsync<JsonElement>("/api/v1/holds");
        await market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/accept", new { startDate = MarketScenario.InDays(8) });
        var placementId = await market.ScalarAsync<Guid>("SELECT id FROM placements WHERE request_id = @requestId", new { requestId });
        var foreignEnd = await market.OtherProvider.PostAsJsonAsync($"/api/v1/placements/{placementId}/end", new { endDate = MarketScenario.InDays(39), reason = "move" });

        Assert.Equal(HttpStatusCode.NotFound, foreignHold.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignAccept.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignDecline.StatusCode);
        Assert.DoesNotContain(othersList.EnumerateArray(), h => h.GetProperty("holdId").GetGuid() == holdId);
        Assert.Equal(HttpStatusCode.NotFound, foreignEnd.StatusCode);
        Assert.Equal(1, await market.ScalarAsync<long>("SELECT count(*) FROM placements WHERE id = @placementId AND end_date IS NULL", new { placementId }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Offerings_OfAnotherProvider_CannotBeChangedOrConfirmed(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);

        var set = await market.OtherProvider.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity", new { totalUnits = 99, occupiedUnits = 0 });
        var confirm = await market.OtherProvider.PostAsync($"/api/v1/offerings/{offering.Id}/confirm", null);
        var deskTries = await market.Desk.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity", new { totalUnits = 99, occupiedUnits = 0 });
        var own = await market.OtherProvider.GetFromJsonAsync<JsonElement>("/api/v1/offerings");

        Assert.Equal(HttpStatusCode.NotFound, set.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, deskTries.StatusCode);
        Assert.DoesNotContain(own.EnumerateArray(), o => o.GetProperty("offeringId").GetGuid() == offering.Id);
        Assert.Equal(offering.TotalUnits, (await market.FactsAsync(offering.Id)).TotalUnits);
    }
}
