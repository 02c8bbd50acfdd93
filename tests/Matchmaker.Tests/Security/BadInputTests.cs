using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Security;

/// <summary>The inputs that answered 500 or were stored when they should not have been: now each a clear 4xx, and nothing stored.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed class BadInputTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARequestWithoutItsTextFields_OrWithAnEmptyCaseReference_IsRefusedFieldByField(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = JsonSerializer.SerializeToNode(MarketScenario.ChildFor(offering, "X"), JsonSerializerOptions.Web)!.AsObject();
        foreach (var field in new[] { "measureType", "urgency", "careType", "gender", "homePc4" })
            child.Remove(field);
        child["caseReference"] = "";
        var before = await market.ScalarAsync<long>("SELECT count(*) FROM requests");

        var response = await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/requests",
            new StringContent(child.ToJsonString(), Encoding.UTF8, "application/json"));
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        foreach (var field in new[] { "caseReference", "measureType", "urgency", "careType", "gender", "homePc4" })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        Assert.Equal(before, await market.ScalarAsync<long>("SELECT count(*) FROM requests"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACaseReferenceTakenInTheRegion_InAnyLetterCase_IsRefusedOnRegisterAndOnEdit(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "RT-CASE-1"));
        var other = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RT-CASE-2"));

        var registered = await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests", MarketScenario.ChildFor(offering, "rt-case-1"));
        var edited = await market.Desk.PatchAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests/{other}", new { caseReference = "Rt-Case-1" });

        Assert.Equal(HttpStatusCode.BadRequest, registered.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, edited.StatusCode);
        Assert.True((await edited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("caseReference", out _));
        Assert.Equal("RT-CASE-2", await market.ScalarAsync<string>("SELECT case_reference FROM requests WHERE id = @other", new { other }));
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE lower(case_reference) = 'rt-case-1'"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnUnknownMatchingRound_OnAHold_IsNotFound_AndNoUnitIsTaken(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RT-ROUND-1"));

        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId, matchingRoundId = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.NotFound, hold.StatusCode);
        Assert.Equal(offering.HeldUnits, (await market.FactsAsync(offering.Id)).HeldUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DatesOfLongAgo_ForAMeasureStartOrAPlacementStart_AreRefused(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = JsonSerializer.SerializeToNode(MarketScenario.ChildFor(offering, "RT-OLD-1"), JsonSerializerOptions.Web)!.AsObject();
        child["measureStart"] = "0001-01-01";
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RT-OLD-2"));
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();

        var register = await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/requests",
            new StringContent(child.ToJsonString(), Encoding.UTF8, "application/json"));
        var accept = await market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/accept", new { startDate = "0001-01-01" });

        Assert.Equal(HttpStatusCode.BadRequest, register.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, accept.StatusCode);
        Assert.Equal("active", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheWrongContentType_Answers415_AndAnUnknownOffering404(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);

        var plain = await market.Provider.PutAsync($"/api/v1/offerings/{offering.Id}/capacity", new StringContent("totalUnits=3", Encoding.UTF8, "text/plain"));
        var unknown = await market.Provider.PostAsync($"/api/v1/offerings/{Guid.NewGuid()}/confirm", null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }
}
