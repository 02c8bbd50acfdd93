using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Matchmaker.Tests.Browser;

public sealed partial class BrowserTests
{
    /// <summary>
    /// Issue 20's "done when": a desk worker signs in through the test OpenID Connect server with the sign-in page's
    /// "Inloggen via uw organisatie" button (the provider reports a second factor, so no code is asked), and lands on the
    /// desk's board as the user Matchmaker knows, whatever role the provider claims.
    /// </summary>
    [Fact]
    public async Task ADeskWorker_SignsInThroughTheOrganisationsIdentityProvider()
    {
        var subject = $"medewerker-{Guid.NewGuid():N}";
        var userId = Guid.NewGuid();
        await browser.Database.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            VALUES (@userId, @email, 'Bemiddelaar Organisatie', 'desk', @region, NULL, NULL, false, @now, 'first')
            """, new { userId, email = $"{subject}@rijnmond.example", region = BrowserFixture.Region, now = DateTimeOffset.UtcNow });
        await browser.Database.ExecuteAsync("""
            INSERT INTO organisation_logins (issuer, subject, user_id, linked_by, linked_at) VALUES (@issuer, @subject, @userId, 'command-line', @now)
            """, new { issuer = browser.IdentityProvider.Issuer.ToString(), subject, userId, now = DateTimeOffset.UtcNow });
        browser.IdentityProvider.Next = new TestIdentityProvider.Person(subject, Amr: ["pwd", "mfa"], Role: "admin");
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.Node.BaseAddress.ToString(), Locale = "nl-NL" });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/account/sign-in");
        var button = page.GetByRole(AriaRole.Link, new() { Name = "Inloggen via uw organisatie (Testorganisatie)" });
        await Expect(button).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "organisation-sign-in.png") });
        await button.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/tafel$"));
        await Expect(page.Locator("header")).ToContainTextAsync("Bemiddelaar Organisatie");
        Assert.Equal(1L, await browser.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'organisation-sign-in' AND subject_id = @id", new { id = userId.ToString() }));
        await context.CloseAsync();
    }
}
