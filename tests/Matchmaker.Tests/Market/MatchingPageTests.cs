using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed class MatchingPageTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AllesKiezen_FirstShowsWhatWouldBeHeld_HoldsOnlyWhenConfirmed_AndThenMarksTheProposalsHeld(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ALLES-01"));
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ALLES-02"));
        var round = await (await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var proposals = round.GetProperty("proposals").EnumerateArray()
            .Select(p => (Request: p.GetProperty("requestId").GetGuid(), Offering: p.GetProperty("offeringId").GetGuid())).ToList();
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");
        var roundId = round.GetProperty("id").GetString();
        var roundPage = await desk.GetStringAsync($"/tafel/matching?round={roundId}");
        var token = SignIn.AntiforgeryToken(roundPage);
        async Task<long> HeldAsync() => (await Task.WhenAll(proposals.Select(p => market.ScalarAsync<long>(
            "SELECT count(*) FROM holds WHERE request_id = @request AND offering_id = @offering AND status = 'active'", new { request = p.Request, offering = p.Offering })))).Sum();

        var check = await desk.PostAsync($"/tafel/matching?handler=Check&round={roundId}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["all"] = "true",
        }));
        var checkPage = await check.Content.ReadAsStringAsync();
        var heldAfterCheck = await HeldAsync();
        // The same selection posted to Hold without the check is shown for checking too, and holds nothing.
        var withoutCheck = await desk.PostAsync($"/tafel/matching?handler=Hold&round={roundId}", new FormUrlEncodedContent(
            proposals.Select(p => KeyValuePair.Create("selected", $"{p.Request}:{p.Offering}")).Append(KeyValuePair.Create("__RequestVerificationToken", token))));
        var heldWithoutCheck = await HeldAsync();
        var confirmed = await desk.PostAsync($"/tafel/matching?handler=Hold&round={roundId}", new FormUrlEncodedContent(
            proposals.Select(p => KeyValuePair.Create("selected", $"{p.Request}:{p.Offering}"))
                .Append(KeyValuePair.Create("checkedByDesk", "true")).Append(KeyValuePair.Create("__RequestVerificationToken", token))));
        var confirmedPage = await confirmed.Content.ReadAsStringAsync();
        var afterwards = await desk.GetStringAsync($"/tafel/matching?round={roundId}");

        Assert.True(proposals.Count >= 2, $"the round proposed {proposals.Count}");
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Contains("Controleer wat u reserveert", checkPage);
        Assert.Contains($"Ja, reserveer deze {proposals.Count} plekken", checkPage);
        Assert.Equal(0, heldAfterCheck);
        Assert.Contains("Controleer wat u reserveert", await withoutCheck.Content.ReadAsStringAsync());
        Assert.Equal(0, heldWithoutCheck);
        Assert.Equal(proposals.Count, await HeldAsync());
        Assert.Contains(": gereserveerd tot", confirmedPage);
        // Afterwards the held proposals say so and cannot be chosen again; "Alles kiezen" offers none of them.
        Assert.Equal(proposals.Count, Regex.Matches(afterwards, "class=\"held-mark\"").Count);
        Assert.DoesNotContain("nog niet gereserveerde voorstellen kiezen", afterwards);
        Assert.Matches("; (crisis|spoed|regulier), wacht [0-9]+ dagen", roundPage);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARoundNotProvenBest_SaysSoOnTheDesksPage_WithHowMuchBetterAnAllocationCouldBe_AndARoundProvenBestSaysNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-BEWEZEN-01"));
        var round = await (await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var roundId = round.GetProperty("id").GetGuid();
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");
        var provenPage = await desk.GetStringAsync($"/tafel/matching?round={roundId}");
        // A round the matcher stopped at its limit (a dense market, SearchLimitTests) is stored as the grain stores any
        // round, with the bound beside the value: here the stored round is given one that waits 3 days more.
        var stored = JsonNode.Parse(await market.ScalarAsync<string>("SELECT result FROM matching_rounds WHERE id = @roundId", new { roundId }))!;
        var objective = stored["objective"]!;
        stored["bestPossible"] = new JsonObject
        {
            ["assignedByPriority"] = objective["assignedByPriority"]!.DeepClone(),
            ["waitingDays"] = objective["waitingDays"]!.GetValue<long>() + 3,
            ["distanceKm"] = objective["distanceKm"]!.GetValue<double>(),
        };
        await market.ExecuteAsync("UPDATE matching_rounds SET result = @result WHERE id = @roundId", new { result = stored.ToJsonString(), roundId });
        var notProvenPage = await desk.GetStringAsync($"/tafel/matching?round={roundId}");
        var notProvenApi = await (await market.Desk.GetAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds/{roundId}"))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(JsonValueKind.Null, round.GetProperty("bestPossible").ValueKind);
        Assert.Equal(1, round.GetProperty("objective").GetProperty("assignedByPriority").EnumerateArray().Sum(n => n.GetInt32()));
        Assert.DoesNotContain("not-proven-best", provenPage);
        Assert.Contains("Niet bewezen dat dit de beste verdeling is.", notProvenPage);
        Assert.Contains("kinderen die samen hooguit 3 dagen langer wachten", notProvenPage);
        Assert.Equal(objective["waitingDays"]!.GetValue<long>() + 3, notProvenApi.GetProperty("bestPossible").GetProperty("waitingDays").GetInt64());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnOutsidePolicyHoldWithoutReason_KeepsItsFormOpen_WithEachErrorBesideItsField_AndHoldsNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-BUITEN-01"));
        var round = await (await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var roundId = round.GetProperty("id").GetString();
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");
        var token = SignIn.AntiforgeryToken(await desk.GetStringAsync($"/tafel/matching?round={roundId}"));
        var choice = $"{requestId}:{offering.Id}";

        var response = await desk.PostAsync($"/tafel/matching?handler=Hold&round={roundId}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["selected"] = choice, ["outsidePolicy"] = "true", ["outsidePolicyReason"] = "  ",
        }));
        var page = await response.Content.ReadAsStringAsync();
        var reasonField = Web.Pages.Desk.MatchingModel.OutsidePolicyFieldId(choice, "reason");
        var confirmedField = Web.Pages.Desk.MatchingModel.OutsidePolicyFieldId(choice, "confirmed");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"error-summary\"", page);
        Assert.Contains($"href=\"#{reasonField}\"", page);
        Assert.Contains($"href=\"#{confirmedField}\"", page);
        Assert.Contains($"id=\"{reasonField}-error\"", page);
        Assert.Matches($"aria-describedby=\"[^\"]*\\b{reasonField}-error\\b[^\"]*\"", page);
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @requestId", new { requestId }));
    }
}
