using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Matchmaker.Tests.Browser;

public sealed partial class BrowserTests
{
    /// <summary>Issue 20's "done when": a local desk user enrols TOTP, signs out, and cannot sign in without the code.</summary>
    [Fact]
    public async Task ALocalDeskUser_EnrolsAnAuthenticatorApp_SignsOut_AndGetsBackInOnlyWithItsCode()
    {
        var email = $"bemiddelaar-{Guid.NewGuid():N}@rijnmond.example";
        const string password = "a long enough password";
        await browser.Database.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            VALUES (@id, @email, 'Bemiddelaar Tweestaps', 'desk', @region, NULL, @hash, false, @now, 'first')
            """, new { id = Guid.NewGuid(), email, region = BrowserFixture.Region, hash = new PasswordHasher<object>().HashPassword(new object(), password), now = DateTimeOffset.UtcNow });
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.Node.BaseAddress.ToString(), Locale = "nl-NL" });
        var page = await context.NewPageAsync();
        async Task SignInWithPasswordAsync()
        {
            await page.GotoAsync("/account/sign-in");
            await page.FillAsync("#Input_Email", email);
            await page.FillAsync("#Input_Password", password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Aanmelden", Exact = true }).ClickAsync();
        }

        await SignInWithPasswordAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/enrol$"));
        var secret = (await page.Locator("#secret").InnerTextAsync()).Replace(" ", "");
        await Expect(page.Locator("#otpauth-uri")).ToContainTextAsync($"otpauth://totp/Matchmaker:{Uri.EscapeDataString(email)}?secret={secret}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "second-factor-enrol.png") });
        await page.FillAsync("#code", SecondStep.WrongCode(secret));
        await page.ClickAsync("button:has-text('Instellen en aanmelden')");
        await Expect(page.Locator("#code-error")).ToContainTextAsync("Deze code klopt niet");
        await Expect(page.Locator("#error-summary a[href='#code']")).ToBeVisibleAsync();
        await page.FillAsync("#code", SecondStep.CodeNow(secret));
        await page.ClickAsync("button:has-text('Instellen en aanmelden')");
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await Expect(page.Locator("header")).ToContainTextAsync("Bemiddelaar Tweestaps");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "second-factor-recovery-codes.png") });
        await page.ClickAsync("#continue");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tafel$"));
        await page.ClickAsync("button:has-text('Afmelden')");

        await SignInWithPasswordAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/code$"));
        await page.GotoAsync("/tafel");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/sign-in"));
        await page.GotoAsync("/account/code");
        await page.FillAsync("#code", SecondStep.NextCode(secret));
        await page.ClickAsync("button:has-text('Aanmelden')");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tafel$"));
        await Expect(page.Locator("header")).ToContainTextAsync("Bemiddelaar Tweestaps");
        await context.CloseAsync();
    }
}
