using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFormsCollection.Name)]
public sealed class RememberingRoundTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task APlaceThatDeclinedAChild_IsNotProposedToItInTheNextRound_UnlessTheDeskAsks(string provider)
    {
        var market = await markets.ForAsync(provider);
        await AllowEveryPlaceAsync(market);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 40);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-MEM-0001", urgency: "crisis", maxDistanceKm: 1));
        var before = await RoundAsync(market, new { });
        var holdId = await HoldAsync(market, offering.Id, requestId);
        (await market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/decline", new { reason = "needs-not-met", note = "Zorgbehoefte past niet" }))
            .EnsureSuccessStatusCode();

        var after = await RoundAsync(market, new { });
        var askedAgain = await RoundAsync(market, new { proposeDeclinedAgain = true });

        Assert.Equal(offering.Id, ProposalFor(before, requestId)?.GetProperty("offeringId").GetGuid());
        Assert.Null(ProposalFor(after, requestId));
        var left = after.GetProperty("notPlaced").EnumerateArray().Single(n => n.GetProperty("requestId").GetGuid() == requestId);
        Assert.Contains("eerder af", left.GetProperty("explanation").GetString());
        Assert.Equal(offering.Id, ProposalFor(askedAgain, requestId)?.GetProperty("offeringId").GetGuid());
        Assert.True(askedAgain.GetProperty("options").GetProperty("proposeDeclinedAgain").GetBoolean());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AChildWaitingForAnAnswer_IsLeftOutOfTheRound_AndASecondHoldNeedsTheDesksExplicitChoice(string provider)
    {
        var market = await markets.ForAsync(provider);
        await AllowEveryPlaceAsync(market);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 40);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-MEM-0002", urgency: "crisis", maxDistanceKm: 1));
        var holdId = await HoldAsync(market, offering.Id, requestId);
        var other = await market.ScalarAsync<Guid>(
            "SELECT id FROM offerings WHERE care_type = @CareType AND secure = false AND id <> @Id ORDER BY id", new { offering.CareType, offering.Id });

        var round = await RoundAsync(market, new { });
        var secondHold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var secondElsewhere = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{other}/holds", new { requestId });
        var alternatives = await RoundAsync(market, new { alternativesForHeld = true });

        Assert.Null(ProposalFor(round, requestId));
        Assert.DoesNotContain(round.GetProperty("notPlaced").EnumerateArray(), n => n.GetProperty("requestId").GetGuid() == requestId);
        var waiting = Assert.Single(round.GetProperty("waitingForAnswer").EnumerateArray(), w => w.GetProperty("requestId").GetGuid() == requestId);
        Assert.Equal(offering.Id, waiting.GetProperty("offeringId").GetGuid());
        Assert.Equal(HttpStatusCode.Conflict, secondHold.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, secondElsewhere.StatusCode);
        Assert.Equal("Child already held", (await secondElsewhere.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @requestId AND status = 'active'", new { requestId }));
        // Asked for alternatives, the child takes part again, but never for the place that holds it already.
        Assert.NotEqual(offering.Id, ProposalFor(alternatives, requestId)?.GetProperty("offeringId").GetGuid());
        Assert.Equal(holdId, await market.ScalarAsync<Guid>("SELECT id FROM holds WHERE request_id = @requestId AND status = 'active'", new { requestId }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AParallelHold_IsADeliberateAct_WithinTheRegionsLimit_AndAuditedAsSuch(string provider)
    {
        var market = await markets.ForAsync(provider);
        await AllowEveryPlaceAsync(market);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-MEM-0003", maxDistanceKm: 400));
        await HoldAsync(market, offering.Id, requestId);
        // A second place like the first, opened by its provider (handed out, so it is closed again before the next test).
        var other = (await market.OfferingWithFreeUnitsAsync(free: 1)).Id;

        var withoutSaying = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{other}/holds", new { requestId });
        var parallel = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{other}/holds", new { requestId, parallel = true });

        Assert.Equal(HttpStatusCode.Conflict, withoutSaying.StatusCode);
        Assert.Equal(HttpStatusCode.Created, parallel.StatusCode);
        var holdId = (await parallel.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        Assert.Contains("in parallel with 1 other hold(s), deliberately",
            await market.ScalarAsync<string>("SELECT detail FROM audit_log WHERE subject_id = @id AND action = 'hold-placed'", new { id = holdId.ToString() }));
    }

    /// <summary>The region's policy out of the way: whether the demo provider's place is contracted is not what these tests are about.</summary>
    private static Task AllowEveryPlaceAsync(MarketScenario market) =>
        market.ExecuteAsync("UPDATE regions SET allow_out_of_region = true, allow_non_contracted = true WHERE code = @Region", new { MarketScenario.Region });

    private static async Task<Guid> HoldAsync(MarketScenario market, Guid offeringId, Guid requestId)
    {
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offeringId}/holds", new { requestId });
        Assert.Equal(HttpStatusCode.Created, hold.StatusCode);
        return (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
    }

    private static async Task<JsonElement> RoundAsync(MarketScenario market, object options)
    {
        var response = await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static JsonElement? ProposalFor(JsonElement round, Guid requestId) =>
        round.GetProperty("proposals").EnumerateArray().Where(p => p.GetProperty("requestId").GetGuid() == requestId).Cast<JsonElement?>().FirstOrDefault();
}
