using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Matchmaker.Tests.Browser;

public sealed partial class BrowserTests
{
    /// <summary>Issue 22: a municipality's buyer reads where the shortage is and works the worst care type out in the what-if, on a desk and on a phone.</summary>
    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task AMunicipality_ReadsWhereTheShortageIs_AndOpensTheWhatIfForTheWorstCareType(int width)
    {
        var municipality = await browser.SignedInPageAsync("municipality", viewportWidth: width, bypassCsp: true);
        await municipality.GotoAsync("/gemeente");

        var firstRow = municipality.Locator("#shortfall tbody tr").First;
        var careType = await firstRow.GetAttributeAsync("data-care-type");
        await municipality.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, $"municipality-day-{width}.png"), FullPage = true });
        var serious = (await AxeAsync(municipality)).EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical").Select(v => v.GetProperty("id").GetString()).ToList();
        Assert.True(await municipality.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        await firstRow.Locator("a:has-text('Reken door')").ClickAsync();

        Assert.Empty(serious);
        await Expect(municipality).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/gemeente/wat-als\\?zorgvorm="));
        await Expect(municipality.Locator("#careType")).ToHaveValueAsync(careType!);
    }
}
