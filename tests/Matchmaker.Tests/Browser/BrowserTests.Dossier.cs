using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Matchmaker.Tests.Browser;

public sealed partial class BrowserTests
{
    /// <summary>
    /// Issue 21 item 3, on a desk's screen and a phone: a round proposes a place and the desk holds it; from the dossier
    /// the desk swaps it for the round's alternative outside the region's policy (check step, reason inline, errors beside
    /// the fields and the summary in focus), then searches again and holds the first place once more, deliberately beside it.
    /// </summary>
    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task TheDesksDossier_SwapsAProposalAfterTheCheck_AndSearchesAgainAndHolds(int width)
    {
        var reference = $"BRW-DOS-{width}";
        var inPolicy = await browser.PrepareOfferingAsync();
        var outside = await browser.PrepareOfferingElsewhereAsync(inPolicy.CareType, "haaglanden");
        await browser.ExecuteAsync("DELETE FROM contracts WHERE region_code = @region AND offering_id = @outside", new { region = BrowserFixture.Region, outside });
        var desk = await browser.SignedInPageAsync("desk", bypassCsp: true, viewportWidth: width);
        var problems = new List<string>();
        string Shot(string name) => Path.Combine(browser.ScreenshotFolder, $"{(width < 500 ? "phone" : "desk")}-dossier-{name}.png");

        await desk.GotoAsync("/tafel/aanvraag");
        await desk.FillAsync("#caseReference", reference);
        await desk.SelectOptionAsync("#measureType", "ots");
        await desk.FillAsync("#measureStart", DateTime.UtcNow.AddDays(-60).ToString("yyyy-MM-dd"));
        await desk.SelectOptionAsync("#urgency", "crisis");
        await desk.SelectOptionAsync("#careType", inPolicy.CareType);
        await desk.FillAsync("#birthMonth", DateTime.UtcNow.AddYears(-9).ToString("yyyy-MM"));
        await desk.SelectOptionAsync("#gender", "f");
        await desk.SelectOptionAsync("#municipality", new SelectOptionValue { Label = inPolicy.Municipality });
        await desk.FillAsync("#homePc4", "3011");
        await desk.FillAsync("#maxDistanceKm", "400");
        foreach (var need in await desk.Locator("input[name='Form.Needs']").AllAsync()) await need.CheckAsync();
        await desk.ClickAsync("button:has-text('Aanvraag registreren')");
        var child = await browser.ScalarAsync<Guid>("SELECT id FROM requests WHERE case_reference = @reference", new { reference });

        await desk.GotoAsync("/tafel/matching");
        await desk.ClickAsync("button:has-text('Nieuwe matchingsronde starten')");
        var proposal = desk.Locator("#proposals tr", new PageLocatorOptions { HasText = reference });
        await proposal.Locator("input[type=checkbox]").CheckAsync();
        await desk.ClickAsync("button:has-text('Gekozen voorstellen controleren')");
        await desk.ClickAsync("button:has-text('Ja, reserveer deze plek')");
        await Expect(desk.Locator("[role=status]")).ToContainTextAsync($"{reference}: gereserveerd tot");
        Assert.Equal(inPolicy.Id, await browser.ScalarAsync<Guid>("SELECT offering_id FROM holds WHERE request_id = @child AND status = 'active'", new { child }));

        // The swap: the round's alternative outside the policy, checked first; nothing changes before the confirmation.
        await desk.GotoAsync($"/tafel/kind/{child}");
        await desk.Locator($"#proposals li[data-offering='{outside}'] button:has-text('Wissel naar deze plek')").ClickAsync();
        await Expect(desk.Locator("#swap-check")).ToContainTextAsync("Controleer en bevestig");
        await Expect(desk.Locator("#swap-summary")).ToContainTextAsync("buiten het beleid van de regio");
        await desk.ClickAsync("button:has-text('Ja, wissel naar deze plek')");
        await Expect(desk.Locator("#swap-reason-error")).ToContainTextAsync(reference);
        // The reason travels to the provider with the proposal: the field says so, and a screen reader hears it with the error.
        await Expect(desk.Locator("#swap-reason-hint")).ToContainTextAsync("De aanbieder leest deze reden");
        await Expect(desk.Locator("#swap-reason")).ToHaveAttributeAsync("aria-describedby", "swap-reason-hint swap-reason-error");
        Assert.Equal("error-summary", await desk.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Equal(inPolicy.Id, await browser.ScalarAsync<Guid>("SELECT offering_id FROM holds WHERE request_id = @child AND status = 'active'", new { child }));
        await desk.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await desk.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("swap-check-errors"), FullPage = true });
        problems.AddRange(await SeriousAsync(desk, "swap check with errors"));
        var checkWidth = await desk.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        await desk.FillAsync("#swap-reason", "Alleen daar is nu plek met deze zorg");
        await desk.CheckAsync("#swap-confirmed");
        await desk.ClickAsync("button:has-text('Ja, wissel naar deze plek')");
        await Expect(desk.Locator("main")).ToContainTextAsync($"{reference} is nu gereserveerd bij");
        Assert.Equal(outside, await browser.ScalarAsync<Guid>("SELECT offering_id FROM holds WHERE request_id = @child AND status = 'active'", new { child }));

        // Search again: the first place is free again for this child; holding it beside the other one is a deliberate choice.
        await desk.ClickAsync("#search-again-link");
        var place = desk.Locator($"#search-results li[data-offering='{inPolicy.Id}']");
        await Expect(place).ToContainTextAsync("km van huis");
        await desk.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await desk.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("search-again"), FullPage = true });
        problems.AddRange(await SeriousAsync(desk, "search again"));
        var searchWidth = await desk.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        await place.Locator("button:has-text('Reserveer')").ClickAsync();
        await Expect(desk.Locator($"#hold-{inPolicy.Id:N}-parallel-error")).ToContainTextAsync(reference);
        Assert.Equal("error-summary", await desk.EvaluateAsync<string>("() => document.activeElement.id"));
        problems.AddRange(await SeriousAsync(desk, "search again with errors"));
        await desk.CheckAsync($"#hold-{inPolicy.Id:N}-parallel");
        await desk.Locator($"#search-results li[data-offering='{inPolicy.Id}'] button:has-text('Reserveer')").ClickAsync();
        await Expect(desk.Locator("main")).ToContainTextAsync($"{reference} is gereserveerd tot");

        Assert.Equal(2L, await browser.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @child AND status = 'active'", new { child }));
        Assert.True(checkWidth <= width && searchWidth <= width, $"the dossier is {checkWidth}/{searchWidth} px wide at {width} px");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
