using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Market;

/// <summary>
/// Issue 21 item 3: a child's open proposal (a hold a round made) is swapped for one of the round's alternatives, after
/// a check step; the request grain holds the new place first and releases the old one only then, so a refused new hold
/// leaves the old one exactly as it was.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFlowsCollection.Name)]
public sealed class DossierSwapTests(SharedMarket markets)
{
    private static string Dossier(Guid child) => $"/tafel/kind/{child}";

    /// <summary>A crisis child fitting two fresh places at the same location, proposed one of them by a round and held there.</summary>
    private static async Task<(Guid Child, Guid Held, Guid HoldId, Guid Alternative)> ProposedAndHeldAsync(MarketScenario market, string reference)
    {
        var first = await market.OfferingWithFreeUnitsAsync(free: 2);
        var second = await market.OfferingWithFreeUnitsAsync(free: 2);
        // The two places move to a location of their own, 1 km away, so they are the child's nearest two and the round's
        // five best places name both (the used-up copies of earlier tests stay at the old location).
        var location = Guid.NewGuid();
        await market.ExecuteAsync("""
            INSERT INTO locations (id, provider_id, name, municipality_id, pc4, lat, lon)
            SELECT @location, provider_id, name, municipality_id, pc4, lat + 0.009, lon FROM locations WHERE id = (SELECT location_id FROM offerings WHERE id = @first)
            """, new { location, first = first.Id });
        foreach (var id in new[] { first.Id, second.Id })
            await market.ExecuteAsync("UPDATE offerings SET location_id = @location, version = version + 1 WHERE id = @id", new { location, id });
        first = await market.FactsAsync(first.Id);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(first, reference, urgency: "crisis"));
        var round = await (await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null)).Content.ReadFromJsonAsync<JsonElement>();
        var proposal = round.GetProperty("proposals").EnumerateArray().Single(p => p.GetProperty("requestId").GetGuid() == child);
        var held = proposal.GetProperty("offeringId").GetGuid();
        Assert.Contains(held, new[] { first.Id, second.Id });
        var alternative = held == first.Id ? second.Id : first.Id;
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{held}/holds",
            new { requestId = child, matchingRoundId = round.GetProperty("id").GetGuid() });
        hold.EnsureSuccessStatusCode();
        return (child, held, (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid(), alternative);
    }

    private static Task<string> StatusOfHoldAsync(MarketScenario market, Guid holdId) =>
        market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId });

    private static Actor DeskActor => new(Guid.NewGuid(), "user", Silo.Access.Roles.Desk, MarketScenario.Region, null);

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheEngineSwaps_NewHoldFirst_ThenTheOldPlaceGoesBack_EvenWhereOneHoldAtATimeIsTheLimit(string provider)
    {
        var market = await markets.ForAsync(provider);
        var (child, held, holdId, alternative) = await ProposedAndHeldAsync(market, "RIJ-WIS-0001");
        await market.ExecuteAsync("UPDATE regions SET max_parallel_holds = 1 WHERE code = @region", new { region = MarketScenario.Region });

        var swap = await market.Grains.Request(MarketScenario.Region, child).SwapHold(DeskActor, holdId, alternative, null);

        Assert.True(swap.OldReleased);
        Assert.Equal(alternative, Assert.Single(swap.Placed).OfferingId);
        Assert.Equal("released", await StatusOfHoldAsync(market, holdId));
        Assert.Equal("active", await StatusOfHoldAsync(market, swap.Placed[0].HoldId));
        Assert.Equal(0, (await market.FactsAsync(held)).HeldUnits);
        Assert.Equal(1, (await market.FactsAsync(alternative)).HeldUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ASwapTheNewPlaceRefuses_KeepsTheOldHoldExactlyAsItWas(string provider)
    {
        var market = await markets.ForAsync(provider);
        var (child, held, holdId, alternative) = await ProposedAndHeldAsync(market, "RIJ-WIS-0002");
        // The alternative's last units are gone before the swap: its grain refuses the new hold.
        var facts = await market.FactsAsync(alternative);
        (await market.Provider.PutAsJsonAsync($"/api/v1/offerings/{alternative}/capacity",
            new { totalUnits = facts.OccupiedUnits + facts.HeldUnits, occupiedUnits = facts.OccupiedUnits })).EnsureSuccessStatusCode();
        var expiresBefore = await market.ScalarAsync<string>("SELECT CAST(expires_at AS TEXT) FROM holds WHERE id = @holdId", new { holdId });
        var grain = market.Grains.Request(MarketScenario.Region, child);

        var refused = await Assert.ThrowsAsync<MarketRuleException>(() => grain.SwapHold(DeskActor, holdId, alternative, null));
        var notTheirs = await Assert.ThrowsAsync<MarketRuleException>(() =>
            grain.SwapHold(DeskActor with { RegionCode = MarketScenario.OtherRegion }, holdId, held, null));

        Assert.Equal(RuleCode.PlaceTaken, refused.Code);
        Assert.Equal(RuleCode.NotFound, notTheirs.Code);
        Assert.Equal("active", await StatusOfHoldAsync(market, holdId));
        Assert.Equal(expiresBefore, await market.ScalarAsync<string>("SELECT CAST(expires_at AS TEXT) FROM holds WHERE id = @holdId", new { holdId }));
        Assert.Equal(1, (await market.FactsAsync(held)).HeldUnits);
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @child AND status = 'active'", new { child }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheDossier_OffersTheRoundsAlternatives_ChecksFirst_AndSwapsOnlyWhenConfirmed(string provider)
    {
        var market = await markets.ForAsync(provider);
        var (child, held, holdId, alternative) = await ProposedAndHeldAsync(market, "RIJ-WIS-0003");
        var desk = market.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");
        async Task<HttpResponseMessage> PostAsync(string handler, Dictionary<string, string> form)
        {
            form["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await desk.GetStringAsync("/tafel"));
            return await desk.PostAsync($"{Dossier(child)}?handler={handler}", new FormUrlEncodedContent(form));
        }
        var chosen = new Dictionary<string, string> { ["SwapHoldId"] = holdId.ToString(), ["OfferingId"] = alternative.ToString() };

        var page = await desk.GetStringAsync(Dossier(child));
        var check = await (await PostAsync("SwapCheck", new(chosen))).Content.ReadAsStringAsync();
        var afterCheck = await StatusOfHoldAsync(market, holdId);
        var unconfirmed = await (await PostAsync("Swap", new(chosen))).Content.ReadAsStringAsync();
        var afterUnconfirmed = await StatusOfHoldAsync(market, holdId);
        var swapped = await PostAsync("Swap", new(chosen) { ["SwapConfirmed"] = "true" });

        Assert.Contains("Wissel naar deze plek", page);
        Assert.Contains($"data-offering=\"{alternative}\"", page[page.IndexOf("id=\"proposals\"", StringComparison.Ordinal)..]);
        Assert.Contains("Controleer en bevestig", check);
        Assert.Contains("id=\"swap-summary\"", check);
        Assert.Equal("active", afterCheck);
        Assert.Contains("id=\"error-summary\"", unconfirmed);
        Assert.Contains("id=\"swap-confirmed-error\">Bevestig dat u de reservering van RIJ-WIS-0003 wisselt.", unconfirmed);
        Assert.Equal("active", afterUnconfirmed);
        Assert.Equal(HttpStatusCode.Redirect, swapped.StatusCode);
        Assert.Equal("released", await StatusOfHoldAsync(market, holdId));
        Assert.Equal(1L, await market.ScalarAsync<long>(
            "SELECT count(*) FROM holds WHERE request_id = @child AND offering_id = @alternative AND status = 'active'", new { child, alternative }));
        Assert.Equal(0, (await market.FactsAsync(held)).HeldUnits);
    }
}
