using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>A region's availability comes in pages, with the total and the link to the next page.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFormsCollection.Name)]
public sealed class AvailabilityPagingTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Availability_ComesInPages_ThatTogetherHoldEveryOfferingOnce(string provider)
    {
        var market = await markets.ForAsync(provider);
        var path = $"/api/v1/regions/{MarketScenario.Region}/availability";

        var whole = await market.Desk.GetFromJsonAsync<JsonElement>($"{path}?pageSize=500");
        var seen = new List<Guid>();
        string? next = $"{path}?pageSize=7";
        while (next is not null)
        {
            var page = await market.Desk.GetFromJsonAsync<JsonElement>(next);
            seen.AddRange(page.GetProperty("offerings").EnumerateArray().Select(o => o.GetProperty("offeringId").GetGuid()));
            next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        }
        var freeOnly = await market.Desk.GetFromJsonAsync<JsonElement>($"{path}?pageSize=500&freeOnly=true");
        var tooLarge = await market.Desk.GetAsync($"{path}?pageSize=5000");

        Assert.Equal(whole.GetProperty("total").GetInt32(), seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(freeOnly.GetProperty("offerings").EnumerateArray(), o => Assert.True(o.GetProperty("freeUnits").GetInt32() > 0));
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
    }
}
