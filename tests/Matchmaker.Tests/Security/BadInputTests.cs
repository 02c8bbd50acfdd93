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
    public async Task ANullRowInACapacityFeed_IsRefusedBesideOfferings_AndNoRowOfTheFeedIsApplied(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        const string Feed = "/api/v1/providers/me/capacity";

        var onlyNull = await market.Provider.PutAsync(Feed, new StringContent("""{"offerings":[null]}""", Encoding.UTF8, "application/json"));
        var nullAmongRows = await market.Provider.PutAsync(Feed, new StringContent(
            $$"""{"offerings":[{"offeringId":"{{offering.Id}}","totalUnits":{{offering.TotalUnits + 5}},"occupiedUnits":0},null]}""", Encoding.UTF8, "application/json"));
        var nullList = await market.Provider.PutAsync(Feed, new StringContent("""{"offerings":null}""", Encoding.UTF8, "application/json"));

        foreach (var response in new[] { onlyNull, nullAmongRows, nullList })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("offerings", out _));
        }
        Assert.Equal(offering.TotalUnits, (await market.FactsAsync(offering.Id)).TotalUnits);
    }

    /// <summary>Bidi overrides, isolates and marks, and zero-width characters: each hides what the text says from the next reader.</summary>
    public static readonly string[] Hidden = ["\u202A", "\u202E", "\u2066", "\u2069", "\u200E", "\u200F", "\u061C", "\u200B", "\u200D", "\u2060", "\uFEFF"];

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TextThatHidesWhatItSays_IsRefusedBesideItsField_InEveryFreeTextField_AndNothingChanges(string provider)
    {
        var market = await markets.ForAsync(provider);
        var doors = await Doors.OpenAsync(market);
        var outside = await market.OfferingWithFreeUnitsAsync(free: 1);
        await market.OutsidePolicyAsync(outside.Id);
        var requestId = await doors.NewRequestAsync();
        var holdId = await doors.NewHoldAsync();
        var (_, group) = await doors.NewSiblingGroupAsync();
        var requestsBefore = await market.ScalarAsync<long>("SELECT count(*) FROM requests");
        const string R = $"/api/v1/regions/{MarketScenario.Region}";

        var accepted = new List<string>();
        foreach (var c in Hidden)
        {
            var text = $"geen plek{c} in de regio";
            var child = JsonSerializer.SerializeToNode(doors.NewChild(), JsonSerializerOptions.Web)!.AsObject();
            child["childWishes"] = text;
            var attempts = new (string Field, Func<Task<HttpResponseMessage>> Send)[]
            {
                ("childWishes", () => market.Desk.PostAsync($"{R}/requests", new StringContent(child.ToJsonString(), Encoding.UTF8, "application/json"))),
                ("parentWishes", () => market.Desk.PatchAsJsonAsync($"{R}/requests/{requestId}", new { parentWishes = text })),
                ("siblingGroup", () => market.Desk.PatchAsJsonAsync($"{R}/requests/{requestId}", new { siblingGroup = $"G{c}1" })),
                ("outsidePolicyReason", () => market.Desk.PostAsJsonAsync($"/api/v1/offerings/{outside.Id}/holds", new { requestId, outsidePolicyReason = text })),
                ("note", () => market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/decline", new { reason = "other", note = text })),
                ("reason", () => market.Desk.PostAsJsonAsync($"{R}/requests/{requestId}/escalation", new { reason = text })),
                ("reason", () => market.Desk.PostAsJsonAsync($"{R}/sibling-groups/{group}/split", new { reason = text })),
            };
            foreach (var (field, send) in attempts)
            {
                // One after another: each is judged against an unchanged market.
                var response = await send();
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.BadRequest
                    || !JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _))
                    accepted.Add($"{field} with U+{(int)c[0]:X4}: {(int)response.StatusCode} {body}");
            }
        }

        Assert.Empty(accepted);
        Assert.Equal(requestsBefore, await market.ScalarAsync<long>("SELECT count(*) FROM requests"));
        Assert.Equal("", await market.ScalarAsync<string>("SELECT coalesce(parent_wishes, '') FROM requests WHERE id = @requestId", new { requestId }));
        Assert.Equal("active", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId }));
        Assert.Equal(outside.HeldUnits, (await market.FactsAsync(outside.Id)).HeldUnits);
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE id = @requestId AND escalated_at IS NOT NULL", new { requestId }));
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
