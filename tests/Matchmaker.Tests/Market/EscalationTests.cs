using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFlowsCollection.Name)]
public sealed class EscalationTests(SharedMarket markets)
{
    private static async Task<HttpClient> NetworkUserAsync(MarketScenario market, string seat)
    {
        var browser = market.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignIn.AsDemoAsync(browser, seat, "network");
        return browser;
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ADeskEscalatesAChildWithAReason_OnceOnly_AndTheDossierSaysSo(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ESC-0001"));
        var escalation = $"/api/v1/regions/{MarketScenario.Region}/requests/{child}/escalation";

        var withoutReason = await market.Desk.PostAsJsonAsync(escalation, new { reason = "" });
        var otherRegion = await market.OtherDesk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.OtherRegion}/requests/{child}/escalation", new { reason = "Niet van ons" });
        var escalated = await market.Desk.PostAsJsonAsync(escalation, new { reason = "Geen gezinshuis met plek voor drie kinderen" });
        var again = await market.Desk.PostAsJsonAsync(escalation, new { reason = "Nog eens" });
        var timeline = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/regions/{MarketScenario.Region}/requests/{child}/timeline");

        Assert.Equal(HttpStatusCode.BadRequest, withoutReason.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherRegion.StatusCode);
        Assert.Equal(HttpStatusCode.OK, escalated.StatusCode);
        Assert.Equal("ben-zuid-holland", (await escalated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("networkCode").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var entry = timeline.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "escalated");
        Assert.Equal("Geen gezinshuis met plek voor drie kinderen", entry.GetProperty("note").GetString());
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'request-escalated' AND subject_id = @id", new { id = child.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheNetworkSeesOnlyEscalatedChildrenOfItsRegions_AndHoldsAPlaceOnTheRegionsBehalf_WithAReasonInTheDossier(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 2);
        var escalated = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ESC-0011"));
        var notEscalated = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ESC-0012"));
        (await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests/{escalated}/escalation",
            new { reason = "Alle passende plekken in de regio zijn bezet" })).EnsureSuccessStatusCode();
        // Haaglanden is in the same network as Rijnmond; Groningen is not.
        var network = await NetworkUserAsync(market, MarketScenario.OtherRegion);
        var otherNetwork = await NetworkUserAsync(market, "groningen");

        var worklist = await network.GetStringAsync("/bovenregionaal");
        var otherWorklist = await otherNetwork.GetStringAsync("/bovenregionaal");
        var childPage = await network.GetStringAsync($"/bovenregionaal/kind/{escalated}");
        var notEscalatedPage = await network.GetAsync($"/bovenregionaal/kind/{notEscalated}");
        var token = SignIn.AntiforgeryToken(childPage);
        var withoutReason = await network.PostAsync($"/bovenregionaal/kind/{escalated}?handler=Hold", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["OfferingId"] = offering.Id.ToString(), ["HoldConfirmed"] = "true",
        }));
        var heldWithoutReason = await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @escalated", new { escalated });
        var held = await network.PostAsync($"/bovenregionaal/kind/{escalated}?handler=Hold", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["OfferingId"] = offering.Id.ToString(), ["HoldReason"] = "Enige vrije plek in het land", ["HoldConfirmed"] = "true",
        }));
        var timeline = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/regions/{MarketScenario.Region}/requests/{escalated}/timeline");

        Assert.Contains("RIJ-ESC-0011", worklist);
        Assert.DoesNotContain("RIJ-ESC-0012", worklist);
        Assert.DoesNotContain("RIJ-ESC-0011", otherWorklist);
        Assert.Contains($"data-offering=\"{offering.Id}\"", childPage);
        Assert.Equal(HttpStatusCode.NotFound, notEscalatedPage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withoutReason.StatusCode);
        Assert.Contains("Geef de reden voor deze reservering namens de regio.", await withoutReason.Content.ReadAsStringAsync());
        Assert.Equal(0L, heldWithoutReason);
        Assert.Equal(HttpStatusCode.Redirect, held.StatusCode);
        Assert.Equal(MarketScenario.Region, await market.ScalarAsync<string>("SELECT region_code FROM holds WHERE request_id = @escalated AND status = 'active'", new { escalated }));
        Assert.Equal("network", await market.ScalarAsync<string>("SELECT role FROM audit_log WHERE action = 'hold-placed' AND region_code = @region ORDER BY id DESC LIMIT 1",
            new { region = MarketScenario.Region }));
        var hold = timeline.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "hold-placed");
        Assert.Contains("door het expertisenetwerk", hold.GetProperty("text").GetString());
        Assert.Equal("Enige vrije plek in het land", hold.GetProperty("note").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheNetworkReadsAChildThatNoLongerWaits_For30DaysAfterItClosed_AndThenNoLonger(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ESC-0021"));
        (await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests/{child}/escalation",
            new { reason = "Geen plek in de regio" })).EnsureSuccessStatusCode();
        (await market.Desk.DeleteAsync($"/api/v1/regions/{MarketScenario.Region}/requests/{child}?reason=placed-elsewhere")).EnsureSuccessStatusCode();
        var network = await NetworkUserAsync(market, MarketScenario.OtherRegion);

        var justClosed = await network.GetAsync($"/bovenregionaal/kind/{child}");
        var justClosedPage = await justClosed.Content.ReadAsStringAsync();
        await market.ExecuteAsync("UPDATE requests SET closed_at = @at WHERE id = @child", new { at = DateTimeOffset.UtcNow.AddDays(-29), child });
        var after29Days = await network.GetAsync($"/bovenregionaal/kind/{child}");
        await market.ExecuteAsync("UPDATE requests SET closed_at = @at WHERE id = @child", new { at = DateTimeOffset.UtcNow.AddDays(-31), child });
        var after31Days = await network.GetAsync($"/bovenregionaal/kind/{child}");

        Assert.Equal(HttpStatusCode.OK, justClosed.StatusCode);
        Assert.Contains("Dit kind wacht niet meer: Ingetrokken.", justClosedPage);
        Assert.Contains("U kunt het nog tot", justClosedPage);
        Assert.Equal(HttpStatusCode.OK, after29Days.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after31Days.StatusCode);
    }
}
