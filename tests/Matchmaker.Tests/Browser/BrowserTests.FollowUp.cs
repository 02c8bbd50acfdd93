using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Matchmaker.Tests.Browser;

public sealed partial class BrowserTests
{
    /// <summary>
    /// Issue 21 item 5, on a phone: the caseworker files a child, adds information for the desk, changes the urgency with
    /// a reason, sees who handles the child and how to reach the desk, and withdraws the request after the check step.
    /// </summary>
    [Fact]
    public async Task ACaseworkersFollowUpDay_OnAPhone_AddsInformation_ChangesTheUrgency_SeesTheContact_AndWithdrawsAfterTheCheck()
    {
        var prepared = await browser.PrepareOfferingAsync();
        var municipality = await browser.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @region AND name = @name",
            new { region = BrowserFixture.Region, name = prepared.Municipality });
        var deskEmail = await browser.ScalarAsync<string>("SELECT desk_email FROM regions WHERE code = @region", new { region = BrowserFixture.Region });
        var caseworker = await browser.SignedInPageAsync("caseworker", bypassCsp: true, viewportWidth: 390);
        var problems = new List<string>();

        await caseworker.GotoAsync("/jeugdbeschermer/aanvraag");
        await caseworker.FillAsync("#caseReference", "BRW-FU-0001");
        await caseworker.SelectOptionAsync("#measureType", "ots");
        await caseworker.FillAsync("#measureStart", DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd"));
        await caseworker.SelectOptionAsync("#urgency", "urgent");
        await caseworker.SelectOptionAsync("#careType", prepared.CareType);
        await caseworker.FillAsync("#birthMonth", DateTime.UtcNow.AddYears(-12).ToString("yyyy-MM"));
        await caseworker.SelectOptionAsync("#gender", "f");
        await caseworker.SelectOptionAsync("#municipality", municipality.ToString());
        await caseworker.FillAsync("#homePc4", "3011");
        await caseworker.FillAsync("#maxDistanceKm", "50");
        await caseworker.ClickAsync("button:has-text('Aanvraag indienen')");
        await Expect(caseworker.Locator("#status-summary")).ToContainTextAsync("Wacht op een plek");
        // The demo desk has a mailbox and no phone line (a made-up number could be somebody's).
        await Expect(caseworker.Locator("#desk-contact")).ToContainTextAsync(deskEmail);

        await caseworker.FillAsync("#information-text", "De school van het kind is gewisseld; nieuwe school in Rotterdam-Zuid.");
        await caseworker.ClickAsync("button:has-text('Informatie toevoegen')");
        await Expect(caseworker.Locator("#timeline")).ToContainTextAsync("Informatie van de jeugdbeschermer");

        await caseworker.SelectOptionAsync("#urgency", "crisis");
        await caseworker.FillAsync("#urgency-reason", "Thuis is het sinds gisteren onveilig");
        await caseworker.ClickAsync("button:has-text('Urgentie wijzigen')");
        await Expect(caseworker.Locator("#current-urgency")).ToHaveTextAsync("crisis");
        await Expect(caseworker.Locator("#timeline")).ToContainTextAsync("Thuis is het sinds gisteren onveilig");
        await caseworker.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await caseworker.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "phone-caseworker-follow-up.png"), FullPage = true });
        problems.AddRange(await SeriousAsync(caseworker, "dossier"));

        await caseworker.SelectOptionAsync("#withdraw-reason", "placed-elsewhere");
        await caseworker.ClickAsync("button:has-text('Hulpvraag intrekken')");
        // The check step: nothing is withdrawn yet.
        await Expect(caseworker.Locator("#withdraw-check")).ToContainTextAsync("Buiten Matchmaker geplaatst");
        Assert.Equal("open", await browser.ScalarAsync<string>("SELECT status FROM requests WHERE case_reference LIKE '%BRW-FU-0001'"));
        await caseworker.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "phone-caseworker-withdraw-check.png"), FullPage = true });
        problems.AddRange(await SeriousAsync(caseworker, "withdraw check"));
        var width = await caseworker.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        await caseworker.ClickAsync("#withdraw-confirm");
        await Expect(caseworker.Locator("#status-summary")).ToContainTextAsync("Ingetrokken");
        await Expect(caseworker.Locator("#timeline")).ToContainTextAsync("Aanvraag ingetrokken: buiten matchmaker geplaatst");

        Assert.True(width <= 390, $"the check step is {width} px wide on a 390 px phone");
        Assert.Equal("withdrawn", await browser.ScalarAsync<string>("SELECT status FROM requests WHERE case_reference LIKE '%BRW-FU-0001'"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task<IEnumerable<string>> SeriousAsync(IPage page, string name) =>
        (await AxeAsync(page)).EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => $"{name}: {v.GetProperty("impact").GetString()} {v.GetProperty("id").GetString()} ({v.GetProperty("target")})")
            .ToList();
}
