using System.Net;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Figures;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Operations;

[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed class OperationsTests(SharedMarket markets)
{
    [Fact]
    public async Task TheOrleansDashboardAndTheMetrics_AreForTheAdministratorOnly_AndTheDashboardForTheAdministratorsSessionAlone()
    {
        var market = await markets.ForAsync("sqlite");
        var app = market.App;
        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false };
        var anonymous = app.CreateClient(options);
        var desk = app.CreateClient(options);
        await SignIn.AsDemoAsync(desk, "rijnmond", "desk");
        var deskSystem = app.CreateClient(options);
        deskSystem.DefaultRequestHeaders.Authorization = new("Bearer", DemoDataGenerator.DemoToken("desk", "rijnmond"));
        var admin = app.CreateClient(options);
        var signedIn = await SignIn.AsDemoAsync(admin, "rijnmond", "admin");
        // A scraper's token: it reads the metrics, but the dashboard is a door for people (a session with its second factor).
        var scraper = await FiguresTokens.SystemAsync(market, "admin", null, "");
        var scraperDashboard = await scraper.GetAsync("/ops/orleans/");
        var scraperMetrics = await scraper.GetAsync("/metrics");

        var dashboard = await admin.GetAsync("/ops/orleans/");
        var metrics = await admin.GetAsync("/metrics");

        Assert.Equal("/ops/orleans/", signedIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Orleans", await dashboard.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("http_server_request_duration", await metrics.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, scraperDashboard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraperMetrics.StatusCode);
        foreach (var path in new[] { "/ops/orleans/", "/metrics" })
        {
            Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await desk.GetAsync(path)).StatusCode);
            Assert.Equal(path == "/metrics" ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized, (await deskSystem.GetAsync(path)).StatusCode);
        }
    }
}
