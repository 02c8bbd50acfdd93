using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Foundation;

[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed class WebAppTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WebApp_OnAFreshDatabase_MigratesSeedsAndIsReady(string provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        await using var app = new MatchmakerWebFactory(test);
        var client = app.CreateClient();

        var ready = await client.GetAsync("/readyz");
        var alive = await client.GetAsync("/healthz");
        var home = await client.GetStringAsync("/");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Contains("Zorgbemiddelingstafels", home);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PagesAnswersAndDownloads_AreNeverStored_StaticFilesAre(string provider)
    {
        var market = await markets.ForAsync(provider);
        var page = market.App.CreateClient();
        await SignIn.AsDemoAsync(page, "rijnmond", "desk");

        var board = await page.GetAsync("/tafel");
        var answer = await market.Desk.GetAsync($"/api/v1/regions/{MarketScenario.Region}/requests");
        var refused = await market.Desk.GetAsync("/api/v1/regions/nowhere/requests");
        var export = await market.Desk.GetAsync($"/api/v1/regions/{MarketScenario.Region}/audit/export?from={MarketScenario.InDays(-1)}&to={MarketScenario.InDays(0)}");
        var style = await page.GetAsync("/css/site.css");

        foreach (var response in new[] { board, answer, refused, export })
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{response.RequestMessage!.RequestUri} may be stored");
        Assert.Equal(HttpStatusCode.OK, style.StatusCode);
        Assert.False(style.Headers.CacheControl?.NoStore == true, "a static file is never stored");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DemoSignIn_AsADeskOfARegion_KnowsRoleRegionAndOrganisation(string provider)
    {
        var app = (await markets.ForAsync(provider)).App;
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var signInPage = await client.GetStringAsync("/account/sign-in");
        var signedIn = await SignIn.AsDemoAsync(client, "rijnmond", "desk");
        var me = await client.GetFromJsonAsync<Me>("/api/v1/me");

        Assert.Contains("Demo: zorgbemiddelaar", signInPage);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("desk", me!.role);
        Assert.Equal("rijnmond", me.regionCode);
        Assert.NotNull(me.organisationId);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ApiToken_OfADemoProviderSystem_IdentifiesTheProvider_AndAnUnknownTokenIsRefused(string provider)
    {
        var app = (await markets.ForAsync(provider)).App;
        var client = app.CreateClient();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoDataGenerator.DemoToken("provider", "rijnmond"));
        var me = await client.GetFromJsonAsync<Me>("/api/v1/me");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "mm_not_a_token");
        var refused = await client.GetAsync("/api/v1/me");

        Assert.Equal("provider", me!.role);
        Assert.Equal("api-client", me.kind);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ProductionMode_OffersNoDemoSignIn_AndRefusesDemoTokens(string provider)
    {
        // The database as a demo host leaves it; then the host restarts with demo mode off.
        await using var test = await TestDatabase.CreateSeededAsync(provider);
        await using var app = new MatchmakerWebFactory(test, demo: false);
        var client = app.CreateClient();

        var signInPage = await client.GetStringAsync("/account/sign-in");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoDataGenerator.DemoToken("provider", "rijnmond"));
        var refused = await client.GetAsync("/api/v1/me");

        Assert.DoesNotContain("Demo: zorgbemiddelaar", signInPage);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task UnknownRoutes_GetAReadableNotFoundPage_AndProblemDetailsUnderTheApi()
    {
        var app = (await markets.ForAsync("sqlite")).App;
        var client = app.CreateClient();

        var page = await client.GetAsync("/does/not/exist");
        var api = await client.GetAsync("/api/v1/does-not-exist");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("Pagina niet gevonden", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    private sealed record Me(Guid id, string kind, string name, string role, string? regionCode, Guid? organisationId);
}
