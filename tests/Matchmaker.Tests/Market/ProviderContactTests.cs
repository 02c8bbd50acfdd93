using System.Net;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFormsCollection.Name)]
public sealed class ProviderContactTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AProviderSetsTheIntakeContactOfALocation_AndTheDeskSeesItBesideThePlace(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        var location = await market.ScalarAsync<Guid>("SELECT location_id FROM offerings WHERE id = @id", new { id = offering.Id });
        // The region may use the place: contracted, and places outside the region allowed.
        await market.ExecuteAsync("""
            INSERT INTO contracts (region_code, offering_id, budget_ceiling_reached, valid_from)
            SELECT @region, @id, false, @from WHERE NOT EXISTS (SELECT 1 FROM contracts WHERE region_code = @region AND offering_id = @id)
            """, new { region = MarketScenario.Region, id = offering.Id, from = new DateOnly(2026, 1, 1) });
        await market.ExecuteAsync("UPDATE contracts SET budget_ceiling_reached = false WHERE region_code = @region AND offering_id = @id", new { region = MarketScenario.Region, id = offering.Id });
        await market.ExecuteAsync("UPDATE regions SET allow_out_of_region = true WHERE code = @region", new { region = MarketScenario.Region });
        var providerPage = await SignedInAsync(market, "provider");
        var desk = await SignedInAsync(market, "desk");

        var saved = await PostContactAsync(providerPage, location, "010 123 45 67", "intake@aanbieder.example");
        var availability = await desk.GetStringAsync($"/tafel/beschikbaarheid?zorgvorm={offering.CareType}");
        var own = await providerPage.GetStringAsync("/aanbieder");

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains($"data-offering=\"{offering.Id}\"", availability);
        Assert.Contains("href=\"tel:0101234567\"", availability);
        Assert.Contains("href=\"mailto:intake@aanbieder.example\"", availability);
        Assert.Contains("value=\"010 123 45 67\"", own);
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'location-contact-changed' AND subject_id = @location",
            new { location = location.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AWrongPhoneAndEmail_AreNamedBesideTheirFields_KeepWhatWasTyped_AndChangeNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        var location = await market.ScalarAsync<Guid>("SELECT location_id FROM offerings WHERE id = @id", new { id = offering.Id });
        var before = await market.ScalarAsync<string>("SELECT coalesce(email, '-') FROM location_contacts WHERE location_id = @location", new { location });
        var providerPage = await SignedInAsync(market, "provider");

        var refused = await PostContactAsync(providerPage, location, "12ab", "geen-adres");
        var page = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains($"href=\"#phone-{location}\"", page);
        Assert.Contains($"href=\"#email-{location}\"", page);
        Assert.Contains("value=\"12ab\"", page);
        Assert.Contains("value=\"geen-adres\"", page);
        Assert.Equal(before, await market.ScalarAsync<string>("SELECT coalesce(email, '-') FROM location_contacts WHERE location_id = @location", new { location }));
    }

    private static async Task<HttpClient> SignedInAsync(MarketScenario market, string role)
    {
        var client = market.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsDemoAsync(client, MarketScenario.Region, role);
        return client;
    }

    private static async Task<HttpResponseMessage> PostContactAsync(HttpClient provider, Guid location, string phone, string email) =>
        await provider.PostAsync("/aanbieder?handler=Contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await provider.GetStringAsync("/aanbieder")),
            ["locationId"] = location.ToString(), ["phone"] = phone, ["email"] = email,
        }));
}
