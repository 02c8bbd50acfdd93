using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFlowsCollection.Name)]
public sealed class DossierTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AChildsTimeline_TellsEverythingThatHappened_WithTheProvidersReasonAndNote(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 2);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-DOS-0001"));
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        (await market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/decline", new { reason = "needs-not-met", note = "Zorgbehoefte past niet" }))
            .EnsureSuccessStatusCode();
        (await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null)).EnsureSuccessStatusCode();

        var timeline = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/regions/{MarketScenario.Region}/requests/{requestId}/timeline");
        var otherRegion = await market.OtherDesk.GetAsync($"/api/v1/regions/{MarketScenario.OtherRegion}/requests/{requestId}/timeline");

        var kinds = timeline.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal("registered", kinds[0]);
        Assert.Contains("hold-placed", kinds);
        Assert.Contains(kinds, k => k is "round-proposed" or "round-not-placed");
        var declined = timeline.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "hold-declined");
        Assert.Equal("needs-not-met", declined.GetProperty("reason").GetString());
        Assert.Equal("Zorgbehoefte past niet", declined.GetProperty("note").GetString());
        Assert.Contains("Zorgbehoefte past niet", declined.GetProperty("text").GetString());
        Assert.Equal("Wacht op een plek.", timeline.GetProperty("summary").GetString());
        Assert.Equal(HttpStatusCode.NotFound, otherRegion.StatusCode);
        Assert.Equal(1L, await market.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'request-read' AND subject_id = @id AND detail LIKE '%(timeline)'", new { id = requestId.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheDossier_ShowsWhatTheDeskKnowsOfTheChild_AgeMeasureUrgencyHomeDistanceNeedsAndWishes(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-DOS-GEG1", maxDistanceKm: 35));
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");

        var page = await desk.GetStringAsync($"/tafel/kind/{requestId}");

        Assert.Contains("Gegevens van het kind", page);
        Assert.Contains($"{MarketScenario.AgeFor(offering)} jaar", page);
        Assert.Contains("Ondertoezichtstelling", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Spoed", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("postcode 3011", page);
        Assert.Contains("35 km", page);
        Assert.Contains("Dicht bij school", page);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WithdrawingFromTheDossier_AsksAReasonAndAConfirmation_AndTheDossierKeepsTheReason(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-DOS-0002"));
        (await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId })).EnsureSuccessStatusCode();
        var desk = market.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");
        var page = await desk.GetStringAsync($"/tafel/kind/{requestId}");

        var unconfirmed = await desk.PostAsync($"/tafel/kind/{requestId}?handler=Withdraw", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignIn.AntiforgeryToken(page),
        }));
        var unconfirmedPage = await unconfirmed.Content.ReadAsStringAsync();
        var stillOpen = await market.ScalarAsync<string>("SELECT status FROM requests WHERE id = @requestId", new { requestId });
        var withdrawn = await desk.PostAsync($"/tafel/kind/{requestId}?handler=Withdraw", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignIn.AntiforgeryToken(page), ["WithdrawReason"] = "duplicate", ["WithdrawConfirmed"] = "true",
        }));
        var after = await desk.GetStringAsync($"/tafel/kind/{requestId}");

        Assert.Contains("RIJ-DOS-0002", page);
        Assert.Contains("Wacht op antwoord van", page);
        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.Contains("href=\"#withdraw-reason\"", unconfirmedPage);
        Assert.Contains("href=\"#withdraw-confirmed\"", unconfirmedPage);
        Assert.Equal("open", stillOpen);
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        Assert.Equal("withdrawn", await market.ScalarAsync<string>("SELECT status FROM requests WHERE id = @requestId", new { requestId }));
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @requestId AND status = 'active'", new { requestId }));
        Assert.Contains("Aanvraag ingetrokken: dubbel geregistreerd.", after);
        Assert.Contains("Reservering bij", after);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AHoldOutsideTheRegionsPolicy_KeepsTheDesksReason_InTheAuditAndTheDossier(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        await market.OutsidePolicyAsync(offering.Id);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-DOS-0003"));

        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds",
            new { requestId, outsidePolicyReason = "Enige plek met traumabehandeling binnen 50 km" });
        var timeline = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/regions/{MarketScenario.Region}/requests/{requestId}/timeline");

        Assert.Equal(HttpStatusCode.Created, hold.StatusCode);
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        Assert.EndsWith("outside the region's policy, because: Enige plek met traumabehandeling binnen 50 km",
            await market.ScalarAsync<string>("SELECT detail FROM audit_log WHERE action = 'hold-placed' AND subject_id = @id", new { id = holdId.ToString() }));
        var placed = timeline.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "hold-placed");
        Assert.Equal("Enige plek met traumabehandeling binnen 50 km", placed.GetProperty("note").GetString());
        Assert.Contains("buiten het beleid van de regio, omdat: Enige plek", placed.GetProperty("text").GetString());
    }
}
