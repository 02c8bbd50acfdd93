using System.Net;
using System.Net.Http.Json;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Api;

/// <summary>Every resource the API creates answers 201 with a Location that its creator can read with GET.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed class LocationTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryCreatedResource_CanBeReadAtItsLocation(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 2);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var registered = await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests", MarketScenario.ChildFor(offering, $"LOC-{tag}"));
        var requestId = (await registered.Content.ReadFromJsonAsync<MarketScenario.Created>())!.Id;
        var created = new List<HttpResponseMessage>
        {
            registered,
            await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId }),
            await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null),
            await market.Desk.PostAsJsonAsync("/api/v1/webhooks", new { url = $"https://hooks.example/{tag}" }),
        };

        foreach (var response in created)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var location = response.Headers.Location ?? throw new Xunit.Sdk.XunitException($"{response.RequestMessage!.RequestUri} gave no Location");
            var read = await market.Desk.GetAsync(location);
            Assert.True(read.StatusCode == HttpStatusCode.OK, $"GET {location} (from {response.RequestMessage!.RequestUri}) answered {(int)read.StatusCode}");
        }
    }
}
