using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Matchmaker.Tests.Browser;

public sealed partial class BrowserTests
{
    /// <summary>
    /// Issue 20's passkey half: a local desk user enrols a passkey at the first sign-in (Chromium's virtual authenticator,
    /// CTAP2, built in, with user verification), signs out, and gets back in only with the password and the passkey.
    /// Without JavaScript the enrolment page offers the app's code instead.
    /// </summary>
    [Fact]
    public async Task ALocalDeskUser_EnrolsAPasskey_SignsOut_AndGetsBackInOnlyWithIt()
    {
        var email = $"bemiddelaar-{Guid.NewGuid():N}@rijnmond.example";
        const string password = "a long enough password";
        var userId = Guid.NewGuid();
        await browser.Database.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            VALUES (@userId, @email, 'Bemiddelaar Passkey', 'desk', @region, NULL, @hash, false, @now, 'first')
            """, new { userId, email, region = BrowserFixture.Region, hash = new PasswordHasher<object>().HashPassword(new object(), password), now = DateTimeOffset.UtcNow });
        // WebAuthn needs a domain as relying party id, not an IP address: the node is reached as localhost (loopback).
        var baseUrl = $"http://localhost:{browser.Node.BaseAddress.Port}/";

        var withoutScript = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, Locale = "nl-NL", JavaScriptEnabled = false });
        var plain = await withoutScript.NewPageAsync();
        await SignInWithPasswordAsync(plain);
        await Expect(plain).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/enrol$"));
        await Expect(plain.Locator("#passkey")).ToBeHiddenAsync();
        await Expect(plain.Locator("#code")).ToBeVisibleAsync();
        await withoutScript.CloseAsync();

        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, Locale = "nl-NL" });
        var page = await context.NewPageAsync();
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true, ["hasUserVerification"] = true,
                ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });
        async Task SignInWithPasswordAsync(IPage on)
        {
            await on.GotoAsync("/account/sign-in");
            await on.FillAsync("#Input_Email", email);
            await on.FillAsync("#Input_Password", password);
            await on.GetByRole(AriaRole.Button, new() { Name = "Aanmelden", Exact = true }).ClickAsync();
        }

        await SignInWithPasswordAsync(page);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/enrol$"));
        await Expect(page.Locator("#passkey")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "passkey-enrol.png") });
        await page.ClickAsync("#passkey-start");
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await Expect(page.Locator("header")).ToContainTextAsync("Bemiddelaar Passkey");
        await page.ClickAsync("#continue");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tafel$"));
        await page.ClickAsync("button:has-text('Afmelden')");

        await SignInWithPasswordAsync(page);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/code$"));
        await page.GotoAsync("/tafel");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/sign-in"));
        await page.GotoAsync("/account/code");
        await Expect(page.Locator("#passkey")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "passkey-sign-in.png") });
        await page.ClickAsync("#passkey-start");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tafel$"));
        await Expect(page.Locator("header")).ToContainTextAsync("Bemiddelaar Passkey");
        await context.CloseAsync();

        Assert.Equal(1L, await browser.Database.ScalarAsync<long>("SELECT count(*) FROM passkeys WHERE user_id = @userId AND sign_count > 0", new { userId }));
        Assert.Equal(1L, await browser.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'mfa-passkey-used' AND subject_id = @id", new { id = userId.ToString() }));
    }
}
