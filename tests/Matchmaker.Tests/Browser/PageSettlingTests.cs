using Matchmaker.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Matchmaker.Tests.Browser;

[Trait(Lane.Name, Lane.Browser)]
[Collection("browser")]
public sealed class PageSettlingTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task APageWhoseScriptWaitsForAnAnswerThatNeverComes_FailsNamingThePageAndTheRequestInFlight()
    {
        var page = await browser.SignedInPageAsync("anonymous");
        page.SetDefaultTimeout(3_000);
        // Answered by the browser itself: a page that asks for one more thing after loading, and that thing never answered.
        await page.RouteAsync("**/settle-probe", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = "<!doctype html><title>probe</title><script>fetch('/never-answered')</script>",
        }));
        await page.RouteAsync("**/never-answered", _ => Task.CompletedTask);

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => page.GotoAndSettleAsync("/settle-probe"));

        Assert.StartsWith("/settle-probe did not settle", timeout.Message);
        Assert.Matches(@"in flight: GET http://[^ ]+/never-answered \(fetch, waiting \d+ ms\)$", timeout.Message);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task APageWhoseRequestsAreAllAnswered_Settles()
    {
        var page = await browser.SignedInPageAsync("anonymous");
        await page.GotoAndSettleAsync("/");
        Assert.Contains("Matchmaker", await page.TitleAsync());
        await page.Context.CloseAsync();
    }
}
