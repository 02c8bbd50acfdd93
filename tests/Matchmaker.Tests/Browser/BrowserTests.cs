using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Matchmaker.Tests.Browser;

/// <summary>The three user groups doing their main tasks in a real browser (Debian Chromium through Playwright).</summary>
[Collection("browser")]
public sealed class BrowserTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ADeskRegistersAChild_RunsARound_AndHoldsAPlace_TheProviderAccepts_AndTheBoardShowsTheChildPlaced()
    {
        var offering = await browser.PrepareOfferingAsync();
        var desk = await browser.SignedInPageAsync("desk");

        await desk.GotoAsync("/tafel/aanvraag");
        await desk.FillAsync("#caseReference", "BRW-0001");
        await desk.SelectOptionAsync("#measureType", "ots");
        await desk.FillAsync("#measureStart", DateTime.UtcNow.AddDays(-40).ToString("yyyy-MM-dd"));
        await desk.SelectOptionAsync("#urgency", "urgent");
        await desk.SelectOptionAsync("#careType", offering.CareType);
        await desk.FillAsync("#birthMonth", DateTime.UtcNow.AddYears(-10).ToString("yyyy-MM"));
        await desk.SelectOptionAsync("#gender", "f");
        await desk.SelectOptionAsync("#municipality", new SelectOptionValue { Label = offering.Municipality });
        await desk.FillAsync("#homePc4", "3011");
        await desk.FillAsync("#maxDistanceKm", "150");
        foreach (var need in await desk.Locator("input[name='Form.Needs']").AllAsync()) await need.CheckAsync();
        await desk.ClickAsync("button:has-text('Aanvraag registreren')");
        await Expect(desk).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tafel$"));
        await Expect(desk.Locator("#board")).ToContainTextAsync("BRW-0001");

        await desk.GotoAsync("/tafel/matching");
        await desk.ClickAsync("button:has-text('Nieuwe matchingsronde starten')");
        var proposal = desk.Locator("#proposals tr", new PageLocatorOptions { HasText = "BRW-0001" });
        await Expect(proposal).ToContainTextAsync(offering.Municipality);
        await proposal.Locator("input[type=checkbox]").CheckAsync();
        await desk.ClickAsync("button:has-text('Reserveren voor gekozen voorstellen')");
        await Expect(desk.Locator("[role=status]")).ToContainTextAsync("BRW-0001: gereserveerd tot");

        var holdId = await browser.ScalarAsync<Guid>("""
            SELECT h.id FROM holds h JOIN requests r ON r.id = h.request_id WHERE r.case_reference = 'BRW-0001' AND h.status = 'active'
            """);
        var provider = await browser.SignedInPageAsync("provider");
        await provider.GotoAsync("/aanbieder/voorstellen");
        var section = provider.Locator($"section[data-hold='{holdId}']");
        await Expect(section).ToBeVisibleAsync();
        await Expect(section).Not.ToContainTextAsync("BRW-0001");
        await section.Locator("button:has-text('Accepteren')").ClickAsync();
        await Expect(provider.Locator("[role=status]")).ToContainTextAsync("Geaccepteerd");

        await desk.GotoAsync("/tafel?status=placed");
        await Expect(desk.Locator("#board")).ToContainTextAsync("BRW-0001");
        await desk.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "desk-board-placed.png"), FullPage = false });
    }

    [Fact]
    public async Task AProviderChangesAFreeCount_AndTheDesksAvailabilityShowsItWithinTwoSeconds_WithoutAReload()
    {
        var offering = await browser.PrepareOfferingAsync();
        var desk = await browser.SignedInPageAsync("desk");
        var provider = await browser.SignedInPageAsync("provider");

        await desk.GotoAsync("/tafel/beschikbaarheid");
        await Expect(desk.Locator("#live-state")).ToHaveTextAsync("live", new LocatorAssertionsToHaveTextOptions { Timeout = 10_000 });
        var free = desk.Locator($"tr[data-offering='{offering.Id}'] [data-free]");
        var before = int.Parse((await free.TextContentAsync())!.Trim());
        await desk.EvaluateAsync("() => { window.__notReloaded = true; }");

        await provider.GotoAsync("/aanbieder");
        await provider.Locator($"#o-{offering.Id} button:has-text('+1 vrij')").ClickAsync();

        await Expect(free).ToHaveTextAsync((before + 1).ToString(), new LocatorAssertionsToHaveTextOptions { Timeout = 2_000 });
        Assert.True(await desk.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the desk page was not reloaded");
        await desk.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "desk-availability-live.png") });
    }

    [Fact]
    public async Task EveryPageType_HasNoSeriousOrCriticalAccessibilityViolations_AndIsPhotographed()
    {
        await browser.PrepareOfferingAsync();
        // axe is injected as a script of its own, which the Content-Security-Policy rightly refuses; these contexts let it in.
        var anonymous = await (await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.Node.BaseAddress.ToString(), BypassCSP = true }))
            .NewPageAsync();
        var desk = await browser.SignedInPageAsync("desk", bypassCsp: true);
        var provider = await browser.SignedInPageAsync("provider", bypassCsp: true);
        var municipality = await browser.SignedInPageAsync("municipality", bypassCsp: true);
        await desk.GotoAsync("/tafel/matching");
        await desk.ClickAsync("button:has-text('Nieuwe matchingsronde starten')");
        var matchingUrl = desk.Url;
        var dossierUrl = $"/tafel/kind/{await browser.ScalarAsync<Guid>("SELECT id FROM requests WHERE region_code = 'rijnmond' AND status = 'open' ORDER BY id")}";

        var pages = new (IPage Page, string Path, string Name)[]
        {
            (anonymous, "/", "home"),
            (anonymous, "/account/sign-in", "sign-in"),
            (anonymous, "/bestaat-niet", "not-found"),
            (desk, "/tafel", "desk-board"),
            (desk, "/tafel/beschikbaarheid", "desk-availability"),
            (desk, matchingUrl, "desk-matching-round"),
            (desk, "/tafel/aanvraag", "desk-request-form"),
            (desk, dossierUrl, "desk-dossier"),
            (desk, "/tafel/reserveringen", "desk-holds"),
            (desk, "/aanbieder", "not-allowed"),
            (provider, "/aanbieder", "provider-offerings"),
            (provider, "/aanbieder/voorstellen", "provider-proposals"),
            (provider, "/aanbieder/bestand", "provider-sheet"),
            (municipality, "/gemeente", "municipality-shortage"),
        };
        var problems = new List<string>();
        foreach (var (page, path, name) in pages)
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, $"{name}.png"), FullPage = true });
            var violations = await AxeAsync(page);
            foreach (var violation in violations.EnumerateArray())
            {
                var line = $"{name}: {violation.GetProperty("impact").GetString()} {violation.GetProperty("id").GetString()} – {violation.GetProperty("help").GetString()} ({violation.GetProperty("nodes").GetInt32()}x, {violation.GetProperty("target")})";
                output.WriteLine(line);
                if (violation.GetProperty("impact").GetString() is "serious" or "critical") problems.Add(line);
            }
            output.WriteLine($"{name}: {violations.GetArrayLength()} violation(s) in total");
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task TheDesksHoldsList_ShowsANewHoldAndTheProvidersDecline_WithoutAReload_AndSaysWhatChanged()
    {
        var prepared = await browser.PrepareOfferingAsync();
        var market = Matchmaker.Tests.Market.MarketScenario.On(browser.Database, browser.Node);
        var offering = await market.FactsAsync(prepared.Id);
        var requestId = await market.RegisterAsync(Matchmaker.Tests.Market.MarketScenario.ChildFor(offering, "BRW-LIVE-01", maxDistanceKm: 400));
        var desk = await browser.SignedInPageAsync("desk");
        await desk.GotoAsync("/tafel/reserveringen");
        await desk.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await desk.EvaluateAsync("() => { window.__notReloaded = true; }");

        var hold = await market.Desk.PostAsync($"/api/v1/offerings/{prepared.Id}/holds",
            JsonContent.Create(new { requestId }));
        hold.EnsureSuccessStatusCode();
        var row = desk.Locator("#holds tr", new PageLocatorOptions { HasText = "BRW-LIVE-01" });
        await Expect(row).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 5_000 });
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        (await market.Provider.PostAsync($"/api/v1/holds/{holdId}/decline",
            JsonContent.Create(new { reason = "needs-not-met", note = "Past niet" }))).EnsureSuccessStatusCode();

        await Expect(row).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 5_000 });
        await Expect(desk.Locator("#live-notice")).ToContainTextAsync("afgewezen");
        Assert.True(await desk.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the holds page was not reloaded");
        await desk.GotoAsync($"/tafel/kind/{requestId}");
        await Expect(desk.Locator("#timeline")).ToContainTextAsync("Past niet");
    }

    [Fact]
    public async Task AProvidersProposalsPage_ShowsANewProposalWithoutAReload_ButNeverReplacesWhatTheProviderIsTyping()
    {
        var prepared = await browser.PrepareOfferingAsync();
        var market = Matchmaker.Tests.Market.MarketScenario.On(browser.Database, browser.Node);
        var offering = await market.FactsAsync(prepared.Id);
        var first = await market.RegisterAsync(Matchmaker.Tests.Market.MarketScenario.ChildFor(offering, "BRW-LIVE-11", maxDistanceKm: 400));
        var second = await market.RegisterAsync(Matchmaker.Tests.Market.MarketScenario.ChildFor(offering, "BRW-LIVE-12", maxDistanceKm: 400));
        var provider = await browser.SignedInPageAsync("provider");
        await provider.GotoAsync("/aanbieder/voorstellen");
        await provider.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await provider.EvaluateAsync("() => { window.__notReloaded = true; }");

        var hold = await market.Desk.PostAsync($"/api/v1/offerings/{prepared.Id}/holds", JsonContent.Create(new { requestId = first }));
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        var section = provider.Locator($"section[data-hold='{holdId}']");
        await Expect(section).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 5_000 });
        await section.Locator("textarea").FillAsync("Ik twijfel nog");
        (await market.Desk.PostAsync($"/api/v1/offerings/{prepared.Id}/holds", JsonContent.Create(new { requestId = second }))).EnsureSuccessStatusCode();

        await Expect(provider.Locator("#live-notice")).ToContainTextAsync("nieuw voorstel", new LocatorAssertionsToContainTextOptions { Timeout = 5_000 });
        await Expect(section.Locator("textarea")).ToHaveValueAsync("Ik twijfel nog");
        Assert.True(await provider.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the proposals page was not reloaded");
    }

    [Fact]
    public async Task EveryPageType_FitsAPhoneOf390Pixels_WithoutScrollingSideways()
    {
        await browser.PrepareOfferingAsync();
        var pages = new List<(string Role, string Path)>
        {
            ("anonymous", "/"), ("anonymous", "/account/sign-in"),
            ("desk", "/tafel"), ("desk", "/tafel/beschikbaarheid"), ("desk", "/tafel/matching"), ("desk", "/tafel/aanvraag"),
            ("desk", "/tafel/reserveringen"),
            ("desk", $"/tafel/kind/{await browser.ScalarAsync<Guid>("SELECT id FROM requests WHERE region_code = 'rijnmond' AND status = 'open' ORDER BY id")}"),
            ("provider", "/aanbieder"), ("provider", "/aanbieder/voorstellen"), ("provider", "/aanbieder/bestand"),
            ("municipality", "/gemeente"),
        };
        var tooWide = new List<string>();
        foreach (var (role, path) in pages)
        {
            var page = await browser.SignedInPageAsync(role, viewportWidth: 390);
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var (scroll, inner) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("() => window.innerWidth"));
            if (scroll > inner)
                tooWide.Add($"{path} as {role}: {scroll} px wide in a {inner} px window, widest: " + await page.EvaluateAsync<string>("""
                    () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                        .filter(e => !e.closest('.table-scroll') || e.classList.contains('table-scroll'))
                        .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
                        .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                            + ' ' + Math.round(e.getBoundingClientRect().right) + 'px').join(', ')
                    """));
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(browser.ScreenshotFolder, $"phone-{role}-{path.Trim('/').Split('/').Take(2).DefaultIfEmpty("home").Aggregate((a, b) => $"{a}-{b}")}.png"),
                FullPage = true,
            });
            await page.Context.CloseAsync();
        }

        Assert.True(tooWide.Count == 0, string.Join("\n", tooWide));
    }

    [Fact]
    public async Task ThePagesRunUnderAContentSecurityPolicy_ThatRefusesInlineScript_AndTheirOwnScriptsStillWork()
    {
        await browser.PrepareOfferingAsync();
        var desk = await browser.SignedInPageAsync("desk");
        var municipality = await browser.SignedInPageAsync("municipality");
        var refused = new List<string>();
        foreach (var page in new[] { desk, municipality })
            page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy")) refused.Add($"{page.Url}: {message.Text} {message.Location}"); };

        await desk.GotoAsync("/tafel/beschikbaarheid");
        await desk.WaitForSelectorAsync("#live-state[data-state=live]", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await municipality.GotoAsync("/gemeente");
        await municipality.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var refusedOwnScripts = refused.ToList();
        var injected = await Assert.ThrowsAsync<PlaywrightException>(() => desk.AddScriptTagAsync(new PageAddScriptTagOptions { Content = "window.injected = true;" }));
        var headers = (await desk.GotoAsync("/tafel"))!.Headers;

        Assert.Empty(refusedOwnScripts);
        Assert.Contains("Content Security Policy", injected.Message);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
    }

    private static async Task<JsonElement> AxeAsync(IPage page)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Path.Combine(AppContext.BaseDirectory, "Browser", "axe", "axe.min.js") });
        return await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: JSON.stringify(v.nodes[0] ? v.nodes[0].target : []) }));
            }
            """);
    }
}
