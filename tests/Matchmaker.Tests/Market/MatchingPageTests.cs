using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed class MatchingPageTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AllesKiezen_HoldsEveryProposalOfTheRound_EvenWithoutJavaScript(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ALLES-01"));
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-ALLES-02"));
        var round = await (await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var proposals = round.GetProperty("proposals").GetArrayLength();
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");
        var roundId = round.GetProperty("id").GetString();
        var roundPage = await desk.GetStringAsync($"/tafel/matching?round={roundId}");
        var token = SignIn.AntiforgeryToken(roundPage);

        var response = await desk.PostAsync($"/tafel/matching?handler=Hold&round={roundId}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["all"] = "true",
        }));
        var withoutHold = new List<string>();
        foreach (var proposal in round.GetProperty("proposals").EnumerateArray())
            if (await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @id AND offering_id = @offering AND status = 'active'",
                    new { id = proposal.GetProperty("requestId").GetGuid(), offering = proposal.GetProperty("offeringId").GetGuid() }) == 0)
                withoutHold.Add(proposal.GetProperty("caseReference").GetString()!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(proposals >= 2, $"the round proposed {proposals}");
        Assert.Empty(withoutHold);
        // Each proposal says how urgent the child is and how long it waits, on the page and in the stored round.
        Assert.All(round.GetProperty("proposals").EnumerateArray(), p => Assert.True(p.GetProperty("waitingDays").GetInt32() >= 0));
        Assert.Matches("; (crisis|spoed|regulier), wacht [0-9]+ dagen", roundPage);
        Assert.Contains(": gereserveerd tot", await response.Content.ReadAsStringAsync());
    }
}
