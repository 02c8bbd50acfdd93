using System.Net;
using System.Net.Http.Json;

namespace Matchmaker.Tests.Market;

/// <summary>
/// 64 desks, through the given clients in turn (one node or several), hold the last unit of one offering at the
/// same moment. Exactly one may win; the others hear the place is taken; the counts agree with the holds.
/// </summary>
public static class LastUnitRace
{
    public static async Task RunAndCheckAsync(MarketScenario market, IReadOnlyList<HttpClient> desks)
    {
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var children = new List<Guid>();
        for (var i = 0; i < 64; i++)
            children.Add(await market.RegisterAsync(MarketScenario.ChildFor(offering, $"RACE-{i:00}")));

        using var start = new SemaphoreSlim(0);
        var attempts = children.Select(async (requestId, i) =>
        {
            await start.WaitAsync();
            return await desks[i % desks.Count].PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        }).ToList();
        start.Release(64);
        var responses = await Task.WhenAll(attempts);
        var after = await market.FactsAsync(offering.Id);

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(63, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("no free unit", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(offering.HeldUnits + 1, after.HeldUnits);
        Assert.Equal(after.TotalUnits, after.OccupiedUnits + after.HeldUnits);
        Assert.Equal(1, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE offering_id = @Id AND status = 'active'", new { offering.Id }));
    }
}
