using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Matchmaker.Tests.Browser;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task ThePasswordSignIn_SentEmpty_SaysWhatIsMissingAtTheTop_LinkedToEachField_WithFocusOnTheSummary()
    {
        var page = await browser.SignedInPageAsync("anonymous", bypassCsp: true, viewportWidth: 390);
        await page.GotoAsync("/account/sign-in");

        await page.GetByRole(AriaRole.Button, new() { Name = "Aanmelden", Exact = true }).ClickAsync();

        await Expect(page.Locator("#error-summary a[href='#Input_Email']")).ToHaveTextAsync("Vul uw e-mailadres in.");
        await Expect(page.Locator("#error-summary a[href='#Input_Password']")).ToHaveTextAsync("Vul uw wachtwoord in.");
        await Expect(page.Locator("#email-error")).ToContainTextAsync("Vul uw e-mailadres in.");
        Assert.Equal("error-summary", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Empty(await SeriousAsync(page, "sign-in with errors"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AProviderUploadingNoFile_IsToldAtTheTop_LinkedToTheField_AndBesideIt()
    {
        var provider = await browser.SignedInPageAsync("provider", bypassCsp: true, viewportWidth: 390);
        await provider.GotoAsync("/aanbieder/bestand");

        await provider.ClickAsync("button:has-text('Controleren')");

        await Expect(provider.Locator("#error-summary a[href='#file']")).ToContainTextAsync("Kies het bestand");
        await Expect(provider.Locator("#file-error")).ToContainTextAsync("Kies het bestand");
        await Expect(provider.Locator("#file")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal("error-summary", await provider.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Empty(await SeriousAsync(provider, "sheet upload with errors"));
        await provider.Context.CloseAsync();
    }
}
