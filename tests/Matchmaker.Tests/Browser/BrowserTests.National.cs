using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Matchmaker.Tests.Browser;

public sealed partial class BrowserTests
{
    /// <summary>Issue 22: a national user compares regions for one care type, sorts by the share past the norm, on a desk and on a phone.</summary>
    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task ANationalUser_ChoosesACareType_SortsTheRegionsByTheSharePastTheNorm_AndReadsTheTileMap(int width)
    {
        var national = await browser.SignedInPageAsync("national", viewportWidth: width, bypassCsp: true);
        await national.GotoAsync("/landelijk");

        await national.ClickAsync("#regions thead a:has-text('% over de norm')");
        await Expect(national.Locator("#regions th[aria-sort=descending]")).ToContainTextAsync("% over de norm");
        var shares = (await national.Locator("#regions tbody tr:not(.total-row) td[data-column=procent-over-norm]").AllInnerTextsAsync())
            .TakeWhile(text => text.EndsWith('%')).Select(text => int.Parse(text.TrimEnd('%'))).ToList();
        await national.SelectOptionAsync("#zorgvorm", new SelectOptionValue { Label = "Begeleide omgang" });
        await national.ClickAsync("button:has-text('Toon')");

        Assert.True(shares.Count > 1, "the regions should show shares past the norm to sort");
        Assert.Equal(shares.OrderDescending(), shares);
        await Expect(national).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("zorgvorm=begeleide-omgang&sorteer=procent-over-norm&volgorde=af$"));
        await Expect(national.Locator("h1")).ToContainTextAsync("Begeleide omgang");
        await Expect(national.Locator("#regions th[aria-sort=descending]")).ToContainTextAsync("% over de norm");
        Assert.Equal(42, await national.Locator(".tile-map g.tile").CountAsync());
        Assert.True(await national.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        await national.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, $"national-day-{width}.png"), FullPage = true });
        var serious = (await AxeAsync(national)).EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical").Select(v => v.GetProperty("id").GetString()).ToList();
        Assert.Empty(serious);
    }
}
