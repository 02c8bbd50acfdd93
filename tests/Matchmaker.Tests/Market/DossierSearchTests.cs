using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Market;

/// <summary>
/// Issue 21 item 3: the desk's dossier searches again for one child on the region's market as it is now (the matcher,
/// through the region's grain) and holds one of its best places through the offering's grain; a place outside the
/// region's policy only with a reason, asked for in the same form, beside the field, naming the child.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFlowsCollection.Name)]
public sealed class DossierSearchTests(SharedMarket markets)
{
    private static string Dossier(Guid child) => $"/tafel/kind/{child}";

    private static async Task<HttpClient> DeskAsync(MarketScenario market, string region = MarketScenario.Region)
    {
        var desk = market.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignIn.AsDemoAsync(desk, region, "desk");
        return desk;
    }

    private static async Task<HttpResponseMessage> HoldAsync(HttpClient desk, Guid child, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await desk.GetStringAsync("/tafel"));
        return await desk.PostAsync($"{Dossier(child)}?handler=Hold", new FormUrlEncodedContent(form));
    }

    private static Task<long> ActiveHoldsAsync(MarketScenario market, Guid child) =>
        market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @child AND status = 'active'", new { child });

    // Where the round would put the child depends on every other open child of the shared market: ChildSearchTests says it.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SearchAgain_ShowsTheChildsBestFreePlacesNow_WithDistanceAndFreeUnits_AndHoldsNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ZOEK-0001"));
        var desk = await DeskAsync(market);

        var before = await desk.GetStringAsync(Dossier(child));
        var page = await desk.GetStringAsync($"{Dossier(child)}?handler=Search");

        Assert.Contains("search-again-link", before);
        Assert.DoesNotContain("search-results", before);
        Assert.Contains("id=\"search-explanation\"", page);
        Assert.Contains($"data-offering=\"{offering.Id}\"", page);
        Assert.Contains("3 plekken vrij", page);
        Assert.Contains("0,0 km van huis", page);
        Assert.Equal(0, await ActiveHoldsAsync(market, child));
        Assert.Equal(0, (await market.FactsAsync(offering.Id)).HeldUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SearchingAgain_OnAnUnchangedMarket_AnswersTheSame_AndAfterAChange_ShowsTheMarketAsItIsNow(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ZOEK-0010"));
        var desk = await DeskAsync(market);

        var first = await desk.GetStringAsync($"{Dossier(child)}?handler=Search");
        var again = await desk.GetStringAsync($"{Dossier(child)}?handler=Search");
        var changed = await market.Provider.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity",
            new { totalUnits = offering.OccupiedUnits + offering.HeldUnits + 1, occupiedUnits = offering.OccupiedUnits });
        var afterChange = await desk.GetStringAsync($"{Dossier(child)}?handler=Search");

        // What the list says of this place: the text of its item up to the next one.
        string FreeAt(string page) => System.Text.RegularExpressions.Regex.Match(page,
            $"data-offering=\"{offering.Id}\"(?:(?!data-offering=).)*? – (\\d+ plekk?e?n? vrij)", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;

        Assert.Equal("3 plekken vrij", FreeAt(first));
        Assert.Equal("3 plekken vrij", FreeAt(again));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("1 plek vrij", FreeAt(afterChange));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reserveer_HoldsTheChosenPlace_ThroughTheOfferingsGrain(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ZOEK-0002"));
        var desk = await DeskAsync(market);

        var held = await HoldAsync(desk, child, new() { ["OfferingId"] = offering.Id.ToString() });
        var again = await desk.GetStringAsync($"{Dossier(child)}?handler=Search");

        Assert.Equal(HttpStatusCode.Redirect, held.StatusCode);
        Assert.Equal(1, await ActiveHoldsAsync(market, child));
        Assert.Equal(1, (await market.FactsAsync(offering.Id)).HeldUnits);
        // The place it holds is not offered again; its last unit is gone for everyone else.
        Assert.DoesNotContain($"data-offering=\"{offering.Id}\"", again);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task APlaceOutsideThePolicy_AsksItsReasonInTheSameForm_NamingTheChild_AndHoldsOnlyWithIt(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ZOEK-0003"));
        await market.OutsidePolicyAsync(offering.Id);
        var desk = await DeskAsync(market);

        var search = await desk.GetStringAsync($"{Dossier(child)}?handler=Search");
        // A hostile or stale form that does not say the place is outside the policy: the grain refuses, the page asks the reason.
        var unflagged = await HoldAsync(desk, child, new() { ["OfferingId"] = offering.Id.ToString() });
        var withoutReason = await HoldAsync(desk, child, new() { ["OfferingId"] = offering.Id.ToString(), ["OutsidePolicy"] = "true" });
        var heldBefore = await ActiveHoldsAsync(market, child);
        var withReason = await HoldAsync(desk, child, new()
        {
            ["OfferingId"] = offering.Id.ToString(), ["OutsidePolicy"] = "true", ["HoldReason"] = "Enige plek met de juiste zorg", ["HoldConfirmed"] = "true",
        });

        Assert.Contains("Buiten het beleid van de regio: niet ingekocht door de regio", search);
        Assert.Contains($"id=\"hold-{offering.Id:N}-reason\"", search);
        Assert.Equal(HttpStatusCode.OK, unflagged.StatusCode);
        Assert.Contains("Deze plek valt buiten het beleid van de regio: geef de reden waarom u haar voor RIJ-ZOEK-0003 reserveert.", await unflagged.Content.ReadAsStringAsync());
        var page = await withoutReason.Content.ReadAsStringAsync();
        Assert.Contains("id=\"error-summary\"", page);
        Assert.Contains($"href=\"#hold-{offering.Id:N}-reason\"", page);
        Assert.Contains($"id=\"hold-{offering.Id:N}-reason-error\">Geef de reden waarom u voor RIJ-ZOEK-0003 een plek buiten het beleid van de regio reserveert.", page);
        Assert.Contains($"id=\"hold-{offering.Id:N}-confirmed-error\">Bevestig dat u voor RIJ-ZOEK-0003", page);
        Assert.Equal(0, heldBefore);
        Assert.Equal(HttpStatusCode.Redirect, withReason.StatusCode);
        Assert.Equal(1, await ActiveHoldsAsync(market, child));
        Assert.Equal(1, await market.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'hold-placed' AND region_code = @region AND detail LIKE '%Enige plek met de juiste zorg%'",
            new { region = MarketScenario.Region }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnotherRegionsDesk_FindsNeitherTheChildNorItsPlaces_AndHoldsNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ZOEK-0004"));
        var other = await DeskAsync(market, MarketScenario.OtherRegion);

        var search = await other.GetAsync($"{Dossier(child)}?handler=Search");
        var hold = await HoldAsync(other, child, new() { ["OfferingId"] = offering.Id.ToString() });

        Assert.Equal(HttpStatusCode.NotFound, search.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hold.StatusCode);
        Assert.Equal(0, await ActiveHoldsAsync(market, child));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BesideAProvidersNo_TheDossierShowsItsIntakeContact_ToCallBack(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ZOEK-0005"));
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId = child });
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        (await market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/decline", new { reason = "needs-not-met" })).EnsureSuccessStatusCode();
        await market.ExecuteAsync("""
            INSERT INTO location_contacts (location_id, phone, email, updated_at, updated_by)
            SELECT location_id, '010 765 43 21', 'intake-terugbellen@aanbieder.example', @now, NULL FROM offerings WHERE id = @offering
            ON CONFLICT (location_id) DO UPDATE SET phone = excluded.phone, email = excluded.email
            """, new { offering = offering.Id, now = DateTimeOffset.UtcNow });
        var desk = await DeskAsync(market);

        var page = await desk.GetStringAsync(Dossier(child));

        var declines = page[page.IndexOf("id=\"declines\"", StringComparison.Ordinal)..];
        Assert.Contains($"data-hold=\"{holdId}\"", declines);
        Assert.Contains("href=\"tel:0107654321\"", declines);
        Assert.Contains("href=\"mailto:intake-terugbellen@aanbieder.example\"", declines);
    }
}
