using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>The provider's counts page: the same forms answer a fetch with the rows' figures, and a location is confirmed at once.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed class ProviderCountsPageTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AStepAskedForJson_AnswersWithTheRowsNewFigures_AndARefusalNamesTheRow(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 2);
        var (page, token) = await ProviderAsync(market);

        var stepped = await PostAsync(page, "Step", token, json: true, ("offeringId", offering.Id.ToString()), ("step", "1"));
        var answer = await stepped.Content.ReadFromJsonAsync<JsonElement>();
        var refused = await PostAsync(page, "Set", token, json: true, ("offeringId", offering.Id.ToString()), ("totalUnits", "abc"), ("occupiedUnits", "1"));
        var refusal = await refused.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, stepped.StatusCode);
        var row = Assert.Single(answer.GetProperty("rows").EnumerateArray());
        Assert.Equal(offering.Id, row.GetProperty("offeringId").GetGuid());
        var facts = await market.FactsAsync(offering.Id);
        Assert.Equal(facts.TotalUnits - facts.OccupiedUnits - facts.HeldUnits, row.GetProperty("freeUnits").GetInt32());
        Assert.Equal(3, row.GetProperty("freeUnits").GetInt32());
        Assert.StartsWith("Opgeslagen: ", answer.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(offering.Id, refusal.GetProperty("offeringId").GetGuid());
        Assert.Contains("getal", refusal.GetProperty("message").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AllStillRight_ConfirmsEveryOfferingOfTheLocation_AndNoOther(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var location = await market.ScalarAsync<Guid>("SELECT location_id FROM offerings WHERE id = @id", new { id = offering.Id });
        var providerId = await market.ScalarAsync<Guid>("SELECT provider_id FROM offerings WHERE id = @id", new { id = offering.Id });
        var (page, token) = await ProviderAsync(market);
        var versions = await VersionsAsync(market, providerId);

        var plain = await PostAsync(page, "ConfirmLocation", token, json: false, ("locationId", location.ToString()));
        var after = await VersionsAsync(market, providerId);

        Assert.Equal(HttpStatusCode.Redirect, plain.StatusCode);
        Assert.Equal($"/aanbieder#l-{location}", plain.Headers.Location?.OriginalString);
        foreach (var (id, (locationId, version)) in versions)
            Assert.True(locationId == location ? after[id].Version > version : after[id].Version == version, $"offering {id} of location {locationId}");
        Assert.Contains(versions, v => v.Value.Location == location);
    }

    private static async Task<Dictionary<Guid, (Guid Location, long Version)>> VersionsAsync(MarketScenario market, Guid providerId)
    {
        await using var connection = await market.Database.Database.OpenAsync();
        return (await Dapper.SqlMapper.QueryAsync<(Guid Id, Guid Location, long Version)>(connection,
                "SELECT id, location_id, version FROM offerings WHERE provider_id = @providerId", new { providerId }))
            .ToDictionary(r => r.Id, r => (r.Location, r.Version));
    }

    private static async Task<(HttpClient Page, string Token)> ProviderAsync(MarketScenario market)
    {
        var page = market.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsDemoAsync(page, MarketScenario.Region, "provider");
        return (page, SignIn.AntiforgeryToken(await page.GetStringAsync("/aanbieder")));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient page, string handler, string token, bool json, params (string Name, string Value)[] fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/aanbieder?handler={handler}")
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)).Append(KeyValuePair.Create("__RequestVerificationToken", token))),
        };
        if (json) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return page.SendAsync(request);
    }
}
