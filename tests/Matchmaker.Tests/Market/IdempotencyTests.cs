using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFlowsCollection.Name)]
public sealed class IdempotencyTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AHoldSentTwiceWithOneKey_IsAnsweredTwiceTheSame_AndTakesOneUnit(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "IDEM-0001"));
        var key = Guid.NewGuid().ToString();

        var first = await SendAsync(market.Desk, $"/api/v1/offerings/{offering.Id}/holds", new { requestId }, key);
        var again = await SendAsync(market.Desk, $"/api/v1/offerings/{offering.Id}/holds", new { requestId }, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(offering.HeldUnits + 1, (await market.FactsAsync(offering.Id)).HeldUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnAcceptAndADeclineSentTwice_PlaceOnce_AndDeclineOnce(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        var accepted = await HoldAsync(market, offering, "IDEM-0002");
        var declined = await HoldAsync(market, offering, "IDEM-0003");
        var acceptKey = Guid.NewGuid().ToString();
        var declineKey = Guid.NewGuid().ToString();

        var accept = await SendAsync(market.Provider, $"/api/v1/holds/{accepted}/accept", new { startDate = MarketScenario.InDays(8) }, acceptKey);
        var acceptAgain = await SendAsync(market.Provider, $"/api/v1/holds/{accepted}/accept", new { startDate = MarketScenario.InDays(8) }, acceptKey);
        var decline = await SendAsync(market.Provider, $"/api/v1/holds/{declined}/decline", new { reason = "no-capacity" }, declineKey);
        var declineAgain = await SendAsync(market.Provider, $"/api/v1/holds/{declined}/decline", new { reason = "no-capacity" }, declineKey);

        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        Assert.Equal(await accept.Content.ReadAsStringAsync(), await acceptAgain.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, decline.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, declineAgain.StatusCode);
        Assert.Equal(1, await market.ScalarAsync<long>("SELECT count(*) FROM placements WHERE hold_id = @accepted", new { accepted }));
        var after = await market.FactsAsync(offering.Id);
        Assert.Equal(offering.OccupiedUnits + 1, after.OccupiedUnits);
        Assert.Equal(offering.HeldUnits, after.HeldUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OneKeyForTwoDifferentHolds_IsRefusedWith422_AndAKeyThatIsNoKey_With400(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        var first = await market.RegisterAsync(MarketScenario.ChildFor(offering, "IDEM-0004"));
        var second = await market.RegisterAsync(MarketScenario.ChildFor(offering, "IDEM-0005"));
        var key = Guid.NewGuid().ToString();

        await SendAsync(market.Desk, $"/api/v1/offerings/{offering.Id}/holds", new { requestId = first }, key);
        var reused = await SendAsync(market.Desk, $"/api/v1/offerings/{offering.Id}/holds", new { requestId = second }, key);
        var tooLong = await SendAsync(market.Desk, $"/api/v1/offerings/{offering.Id}/holds", new { requestId = second }, new string('k', 201));

        Assert.Equal((HttpStatusCode)422, reused.StatusCode);
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("Idempotency-Key", await tooLong.Content.ReadAsStringAsync());
        Assert.Equal(0, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @second", new { second }));
    }

    private static async Task<Guid> HoldAsync(MarketScenario market, MarketScenario.OfferingFacts offering, string caseReference)
    {
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, caseReference));
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        return (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await client.SendAsync(request);
    }
}
