using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Matchmaker.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Matchmaker.Tests.Browser;

/// <summary>The three user groups doing their main tasks in a real browser (Debian Chromium through Playwright).</summary>
[Trait(Lane.Name, Lane.Browser)]
[Collection("browser")]
public sealed partial class BrowserTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
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
        await desk.ClickAsync("button:has-text('Gekozen voorstellen controleren')");
        await Expect(desk.Locator("#check-holds")).ToContainTextAsync("BRW-0001");
        await desk.ClickAsync("button:has-text('Ja, reserveer deze plek')");
        await Expect(desk.Locator("[role=status]")).ToContainTextAsync("BRW-0001: gereserveerd tot");

        var holdId = await browser.ScalarAsync<Guid>("""
            SELECT h.id FROM holds h JOIN requests r ON r.id = h.request_id WHERE r.case_reference = 'BRW-0001' AND h.status = 'active'
            """);
        var provider = await browser.SignedInPageAsync("provider");
        await provider.GotoAsync("/aanbieder/voorstellen");
        var section = provider.Locator($"section[data-hold='{holdId}']");
        await Expect(section).ToBeVisibleAsync();
        await Expect(section).Not.ToContainTextAsync("BRW-0001");
        await Expect(section).ToContainTextAsync("Vervalt");
        await Expect(section).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"nog \d+ (dag|uur|minu)"));
        // What the desk needs the provider to know (issue 21): the measure, the wait, why this place, and how to reach the desk.
        await Expect(section.Locator("[data-fact=measure]")).ToHaveTextAsync("Ondertoezichtstelling (OTS)");
        await Expect(section.Locator("[data-fact=waited]")).ToHaveTextAsync("wacht 40 dagen");
        await Expect(section.Locator("[data-fact=why]")).ToContainTextAsync("De matcher stelde deze plek voor in een matchingsronde van de tafel.");
        await Expect(section.Locator("[data-fact=desk] a[href^='mailto:']")).ToBeVisibleAsync();
        await provider.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "provider-proposal-card.png"), FullPage = true });
        await section.Locator("button:has-text('Accepteren')").ClickAsync();
        // A check step before the binding accept: what is accepted, and from when; nothing is accepted yet.
        await Expect(provider.Locator("h1")).ToHaveTextAsync("Controleer en bevestig");
        await Expect(provider.Locator("#accept-summary")).ToContainTextAsync(DateTime.UtcNow.Date.AddDays(7).ToString("dd-MM-yyyy"));
        await Expect(provider.Locator("#accept-summary")).ToContainTextAsync("Ondertoezichtstelling (OTS)");
        Assert.Equal("active", await browser.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId }));
        await provider.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "provider-accept-check.png"), FullPage = true });
        await provider.ClickAsync("button:has-text('Bevestigen')");
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
        var caseworker = await browser.SignedInPageAsync("caseworker", bypassCsp: true);
        var network = await browser.SignedInPageAsync("network", bypassCsp: true);
        var national = await browser.SignedInPageAsync("national", bypassCsp: true);
        var followed = await browser.FollowedAndEscalatedChildAsync();
        var whatIf = await browser.WhatIfRunsAsync();
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
            (municipality, "/gemeente/wat-als", "municipality-what-if"),
            (municipality, whatIf.Purchase, "municipality-what-if-purchase"),
            (municipality, whatIf.Sweep, "municipality-what-if-sweep"),
            (national, "/landelijk", "national-regions"),
            (national, "/landelijk?zorgvorm=gesloten-jeugdhulp&sorteer=procent-over-norm&volgorde=af", "national-regions-secure"),
            (national, "/landelijk/herverdeling", "national-rematch"),
            (caseworker, "/jeugdbeschermer", "caseworker-children"),
            (caseworker, "/jeugdbeschermer/aanvraag", "caseworker-request-form"),
            (caseworker, $"/jeugdbeschermer/kind/{followed}", "caseworker-dossier"),
            (network, "/bovenregionaal", "network-escalated"),
            (network, $"/bovenregionaal/kind/{followed}", "network-child"),
            (desk, $"/tafel/beschikbaarheid?vrij=true&kind={await browser.ScalarAsync<string>("SELECT case_reference FROM requests WHERE id = @followed", new { followed })}", "desk-availability-map"),
        };
        var problems = new List<string>();
        foreach (var (page, path, name) in pages)
        {
            await page.GotoAndSettleAsync(path);
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
        await desk.WaitForSelectorAsync("html[data-hub=subscribed]");
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
    public async Task ADesksDay_ARoundAndAHold_TheProviderDeclinesWithAReason_TheDeskHearsItAndReadsIt_TheNextRoundRemembers_AndSiblingsAreSplitWithAReason()
    {
        var prepared = await browser.PrepareOfferingAsync();
        var market = Matchmaker.Tests.Market.MarketScenario.On(browser.Database, browser.Node);
        var offering = await market.FactsAsync(prepared.Id);
        // Needing every specialism, the child fits the prepared place only.
        var child = JsonSerializer.SerializeToNode(Matchmaker.Tests.Market.MarketScenario.ChildFor(offering, "BRW-DAY-01", maxDistanceKm: 400))!.AsObject();
        child["needs"] = new System.Text.Json.Nodes.JsonArray([.. Matchmaker.Matching.Specialisms.All.Select(n => (System.Text.Json.Nodes.JsonNode)n!)]);
        var requestId = await market.RegisterAsync(child);
        var sibling = await market.RegisterAsync(Matchmaker.Tests.Market.MarketScenario.ChildFor(offering, "BRW-DAY-S1", siblingGroup: "BRW-DAY-SIB"));
        await market.RegisterAsync(Matchmaker.Tests.Market.MarketScenario.ChildFor(offering, "BRW-DAY-S2", siblingGroup: "BRW-DAY-SIB"));

        var desk = await browser.SignedInPageAsync("desk");
        await desk.GotoAsync("/tafel/matching");
        await desk.ClickAsync("button:has-text('Nieuwe matchingsronde starten')");
        var proposal = desk.Locator("#proposals tr", new PageLocatorOptions { HasText = "BRW-DAY-01" });
        await proposal.Locator("input[type=checkbox]").CheckAsync();
        await desk.ClickAsync("button:has-text('Gekozen voorstellen controleren')");
        await Expect(desk.Locator("#check-holds")).ToContainTextAsync("BRW-DAY-01");
        await desk.ClickAsync("button:has-text('Ja, reserveer deze plek')");
        await Expect(desk.Locator("[role=status]")).ToContainTextAsync("BRW-DAY-01: gereserveerd tot");
        var holdId = await browser.ScalarAsync<Guid>("SELECT id FROM holds WHERE request_id = @requestId AND status = 'active'", new { requestId });

        var provider = await browser.SignedInPageAsync("provider");
        await provider.GotoAsync("/aanbieder/voorstellen");
        var section = provider.Locator($"section[data-hold='{holdId}']");
        await section.Locator("select[name=reason]").SelectOptionAsync("needs-not-met");
        await section.Locator("textarea[name=note]").FillAsync("De groep heeft nu alleen jongere kinderen");
        await section.Locator("button:has-text('Afwijzen')").ClickAsync();
        await provider.WaitForLoadStateAsync(LoadState.NetworkIdle);

        // The desk, still on the round, hears the answer: the menu badge and the round that is out of date.
        await Expect(desk.Locator("[data-badge=answers]")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 5_000 });
        await desk.GotoAsync($"/tafel/kind/{requestId}");
        await Expect(desk.Locator("#timeline")).ToContainTextAsync("afgewezen: zorgbehoefte past niet");
        await Expect(desk.Locator("#timeline")).ToContainTextAsync("De groep heeft nu alleen jongere kinderen");

        await desk.GotoAsync("/tafel/matching");
        await desk.ClickAsync("button:has-text('Nieuwe matchingsronde starten')");
        await Expect(desk.Locator("#not-placed")).ToContainTextAsync("BRW-DAY-01");
        await Expect(desk.Locator("#not-placed")).ToContainTextAsync("Niet opnieuw voorgesteld: 1 plek waar de aanbieder dit kind eerder afwees");
        await Expect(desk.Locator("#proposals tr", new PageLocatorOptions { HasText = "BRW-DAY-01" })).ToHaveCountAsync(0);

        await desk.GotoAsync($"/tafel/kind/{sibling}");
        await desk.FillAsync("#split-reason", "Samen wachten duurt te lang; de pleegouders kunnen er één opnemen");
        await desk.CheckAsync("#split-confirmed");
        await desk.ClickAsync("button:has-text('Apart laten plaatsen')");
        await Expect(desk.Locator("#timeline")).ToContainTextAsync("Samen wachten duurt te lang");
        await desk.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "desk-day-siblings-split.png"), FullPage = true });
    }

    [Fact]
    public async Task AProvidersAnswer_LightsTheDesksMenuBadgeOnAnyPage_UntilTheDeskLooksAtTheAnswers_AndAnOpenRoundSaysItIsOutOfDate()
    {
        var prepared = await browser.PrepareOfferingAsync();
        var market = Matchmaker.Tests.Market.MarketScenario.On(browser.Database, browser.Node);
        var offering = await market.FactsAsync(prepared.Id);
        var requestId = await market.RegisterAsync(Matchmaker.Tests.Market.MarketScenario.ChildFor(offering, "BRW-BADGE-01", maxDistanceKm: 400));
        var desk = await browser.SignedInPageAsync("desk");
        await desk.GotoAsync("/tafel/matching");
        await desk.ClickAsync("button:has-text('Nieuwe matchingsronde starten')");
        await desk.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var badge = desk.Locator("[data-badge=answers]");
        await Expect(badge).ToBeHiddenAsync();

        var hold = await market.Desk.PostAsync($"/api/v1/offerings/{prepared.Id}/holds", JsonContent.Create(new { requestId }));
        var holdId = (await hold.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        await Expect(desk.Locator("#round-stale")).ToContainTextAsync("start een nieuwe ronde", new LocatorAssertionsToContainTextOptions { Timeout = 5_000 });
        (await market.Provider.PostAsync($"/api/v1/holds/{holdId}/decline", JsonContent.Create(new { reason = "group-composition" }))).EnsureSuccessStatusCode();

        await Expect(badge).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 5_000 });
        await Expect(badge).ToContainTextAsync("1");
        await desk.GotoAsync("/tafel");
        await Expect(badge).ToBeVisibleAsync();
        await desk.ClickAsync("nav a[href='/tafel/reserveringen']");
        await Expect(desk.Locator("#answered")).ToContainTextAsync("BRW-BADGE-01");
        await Expect(desk.Locator("#answered")).ToContainTextAsync("Afgewezen");
        await Expect(badge).ToBeHiddenAsync();
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
        await provider.WaitForSelectorAsync("html[data-hub=subscribed]");
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
    public async Task AProviderCountsInPlace_FocusStaysOnTheButton_TheRowSaysItIsSaved_AndAllOfALocationIsConfirmedAtOnce()
    {
        var prepared = await browser.PrepareOfferingAsync();
        var provider = await browser.SignedInPageAsync("provider", viewportWidth: 390);
        await provider.GotoAsync("/aanbieder");
        await provider.EvaluateAsync("() => { window.__notReloaded = true; }");
        var row = provider.Locator($"#o-{prepared.Id}");
        var before = int.Parse((await row.Locator("[data-figure=free]").TextContentAsync())!.Trim());

        var plus = row.Locator("button:has-text('+1 vrij')");
        await plus.ClickAsync();
        await Expect(row.Locator("[data-figure=free]")).ToHaveTextAsync((before + 1).ToString());
        await Expect(row.Locator("[data-row-notice]")).ToContainTextAsync($"Opgeslagen: {before + 1} vrij");
        await Expect(plus).ToBeFocusedAsync();
        await row.Locator("button:has-text('−1 vrij')").ClickAsync();
        await Expect(row.Locator("[data-figure=free]")).ToHaveTextAsync(before.ToString());

        // A refusal stands beside the row's counts, the page still not reloaded.
        await row.Locator("input[name=occupiedUnits]").FillAsync("100000");
        await row.Locator("button:has-text('Opslaan')").ClickAsync();
        await Expect(row.Locator("[data-row-error]")).ToContainTextAsync("Bezet ligt tussen 0 en het totaal");
        // Said once, beside the fields: not again in the row's notice of what was saved.
        await Expect(row.Locator("[data-row-notice]")).ToBeEmptyAsync();
        Assert.Equal(before, await browser.ScalarAsync<int>("SELECT total_units - occupied_units - held_units FROM offerings WHERE id = @Id", new { prepared.Id }));

        var location = await browser.ScalarAsync<Guid>("SELECT location_id FROM offerings WHERE id = @Id", new { prepared.Id });
        await browser.ScalarAsync<int>("UPDATE offerings SET last_confirmed_at = @old WHERE location_id = @location RETURNING 1",
            new { old = DateTimeOffset.UtcNow.AddDays(-10), location });
        var section = provider.Locator($"section[data-location='{location}']");
        await section.Locator("button:has-text('Alles nog juist')").ClickAsync();
        await Expect(section.Locator("[data-location-notice]")).ToContainTextAsync("nog steeds juist");
        await Expect(section.Locator("[data-figure=confirmed]").First).ToHaveTextAsync("minder dan een uur geleden");
        Assert.Equal(0, await browser.ScalarAsync<int>("SELECT count(*) FROM offerings WHERE location_id = @location AND last_confirmed_at < @recent",
            new { location, recent = DateTimeOffset.UtcNow.AddMinutes(-5) }));
        Assert.True(await provider.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the page was reloaded");
        await provider.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "phone-provider-counts-in-place.png"), FullPage = false });

        // Without JavaScript the same buttons post the form, and the page comes back saying so.
        var plain = await browser.SignedInPageAsync("provider", javaScript: false);
        await plain.GotoAsync("/aanbieder");
        await plain.Locator($"#o-{prepared.Id} button:has-text('+1 vrij')").ClickAsync();
        await Expect(plain.Locator("[role=status]")).ToContainTextAsync($"Opgeslagen: {before + 1} vrij");
        await plain.Context.CloseAsync();
        await provider.Context.CloseAsync();
    }

    [Fact]
    public async Task ACaseworkerFiles_TheDeskSeesItLiveAndEscalates_TheNetworkHoldsOnTheRegionsBehalf_TheProviderAccepts_AndTheCaseworkerSeesThePlacement()
    {
        var prepared = await browser.PrepareOfferingAsync();
        var municipality = await browser.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @region AND name = @name",
            new { region = BrowserFixture.Region, name = prepared.Municipality });
        var desk = await browser.SignedInPageAsync("desk");
        await desk.GotoAsync("/tafel?zoek=BRW-GI-0001");
        await desk.WaitForSelectorAsync("html[data-hub=subscribed]");
        await desk.EvaluateAsync("() => { window.__notReloaded = true; }");

        var caseworker = await browser.SignedInPageAsync("caseworker");
        await caseworker.GotoAsync("/jeugdbeschermer/aanvraag");
        await caseworker.FillAsync("#caseReference", "BRW-GI-0001");
        await caseworker.SelectOptionAsync("#measureType", "ots");
        await caseworker.FillAsync("#measureStart", DateTime.UtcNow.AddDays(-40).ToString("yyyy-MM-dd"));
        await caseworker.SelectOptionAsync("#urgency", "urgent");
        await caseworker.SelectOptionAsync("#careType", prepared.CareType);
        await caseworker.FillAsync("#birthMonth", DateTime.UtcNow.AddYears(-11).ToString("yyyy-MM"));
        await caseworker.SelectOptionAsync("#gender", "m");
        await caseworker.SelectOptionAsync("#municipality", municipality.ToString());
        await caseworker.FillAsync("#homePc4", "3011");
        await caseworker.FillAsync("#maxDistanceKm", "400");
        await caseworker.ClickAsync("button:has-text('Aanvraag indienen')");
        await Expect(caseworker.Locator("#status-summary")).ToContainTextAsync("Wacht op een plek");
        await caseworker.WaitForSelectorAsync("html[data-hub=subscribed]");
        await caseworker.EvaluateAsync("() => window.__notReloaded = true");

        await Expect(desk.Locator("main")).ToContainTextAsync("BRW-GI-0001", new LocatorAssertionsToContainTextOptions { Timeout = 5_000 });
        Assert.True(await desk.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the board was not reloaded");
        await desk.ClickAsync("a:has-text('BRW-GI-0001')");
        await desk.FillAsync("#escalation-reason", "Geen plek voor een jongen van 11 met deze zorgvraag in de regio");
        await desk.CheckAsync("#escalation-confirmed");
        await desk.ClickAsync("button:has-text('Escaleren')");
        await Expect(desk.Locator("#escalation-status")).ToContainTextAsync("Expertisenetwerk Zuid-Holland");

        // The network holds a place outside the child's region, and that place's provider answers.
        var elsewhere = await browser.PrepareOfferingElsewhereAsync(prepared.CareType, "haaglanden");
        var network = await browser.SignedInPageAsync("network");
        await network.GotoAsync("/bovenregionaal");
        await network.ClickAsync("a:has-text('BRW-GI-0001')");
        await Expect(network.Locator($"#place-{elsewhere}")).ToBeVisibleAsync();
        await network.CheckAsync($"#place-{elsewhere}");
        await Expect(network.Locator("#hold-reason-hint")).ToContainTextAsync("De aanbieder leest deze reden");
        await network.FillAsync("#hold-reason", "Passende plek, de regio heeft geen andere");
        await network.CheckAsync("#hold-confirmed");
        await network.ClickAsync("button:has-text('Reserveren namens de regio')");
        await Expect(network.Locator("main")).ToContainTextAsync("Plek gereserveerd namens Rijnmond");

        var holdId = await browser.ScalarAsync<Guid>("SELECT h.id FROM holds h JOIN requests r ON r.id = h.request_id WHERE r.case_reference LIKE '%:BRW-GI-0001' AND h.status = 'active'");
        var provider = await browser.SignedInPageAsync("provider", region: "haaglanden");
        await provider.GotoAsync("/aanbieder/voorstellen");
        await provider.Locator($"section[data-hold='{holdId}'] button:has-text('Accepteren')").ClickAsync();
        await provider.ClickAsync("button:has-text('Bevestigen')");
        await provider.WaitForLoadStateAsync(LoadState.NetworkIdle);

        // The caseworker's dossier follows without a reload.
        await Expect(caseworker.Locator("#status-summary")).ToContainTextAsync("Geplaatst bij", new LocatorAssertionsToContainTextOptions { Timeout = 10_000 });
        Assert.True(await caseworker.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the caseworker's dossier was reloaded");
        await Expect(caseworker.Locator("#timeline")).ToContainTextAsync("door het expertisenetwerk");
        await Expect(caseworker.Locator("#timeline")).ToContainTextAsync("Bovenregionaal geëscaleerd");
    }

    /// <summary>One page of every type, with the role that sees it.</summary>
    private async Task<List<(string Role, string Path)>> PageTypesAsync()
    {
        await browser.PrepareOfferingAsync();
        var followed = await browser.FollowedAndEscalatedChildAsync();
        var whatIf = await browser.WhatIfRunsAsync();
        return new List<(string Role, string Path)>
        {
            ("anonymous", "/"), ("anonymous", "/account/sign-in"),
            ("desk", "/tafel"), ("desk", "/tafel/beschikbaarheid"), ("desk", "/tafel/matching"), ("desk", "/tafel/aanvraag"),
            ("desk", "/tafel/reserveringen"),
            ("desk", $"/tafel/kind/{await browser.ScalarAsync<Guid>("SELECT id FROM requests WHERE region_code = 'rijnmond' AND status = 'open' ORDER BY id")}"),
            ("provider", "/aanbieder"), ("provider", "/aanbieder/voorstellen"), ("provider", "/aanbieder/bestand"),
            ("municipality", "/gemeente"), ("municipality", "/gemeente/wat-als"), ("municipality", whatIf.Purchase), ("municipality", whatIf.Sweep),
            ("national", "/landelijk"), ("national", "/landelijk/herverdeling"),
            ("caseworker", "/jeugdbeschermer"), ("caseworker", "/jeugdbeschermer/aanvraag"), ("caseworker", $"/jeugdbeschermer/kind/{followed}"),
            ("network", "/bovenregionaal"), ("network", $"/bovenregionaal/kind/{followed}"),
            ("desk", $"/tafel/beschikbaarheid?vrij=true&kind={await browser.ScalarAsync<string>("SELECT case_reference FROM requests WHERE id = @followed", new { followed })}"),
        };
    }

    [Fact]
    public async Task AMunicipalityTriesAPurchase_AndTheSweep_AndSeesEachAsAChartOrTableWithTheSameNumbersAsItsDownload()
    {
        var municipality = await browser.SignedInPageAsync("municipality");
        await municipality.GotoAsync("/gemeente/wat-als");
        await municipality.ClickAsync("form[action*=Purchase] button");
        await Expect(municipality.Locator("#error-summary")).ToBeFocusedAsync();
        await Expect(municipality.Locator("#error-summary")).ToContainTextAsync("Kies de zorgvorm");

        var (purchase, sweep) = await browser.WhatIfRunsAsync();
        await municipality.GotoAsync(purchase);
        await Expect(municipality.Locator("#headline")).ToContainTextAsync("Met deze inkoop");
        var shownExtra = await municipality.Locator("#change tbody tr").First.Locator("td").InnerTextAsync();
        var csv = await municipality.APIRequest.GetAsync($"{purchase}?handler=Csv");
        // The CSV holds the number itself (a decrease with "-"), or nothing with "ja" in its verborgen column where the page shows "x".
        Assert.Contains(shownExtra == "x" ? "extra geplaatste kinderen;;ja;" : $"extra geplaatste kinderen;{shownExtra.TrimStart('+').Replace('−', '-')};nee;",
            await csv.TextAsync());

        await municipality.GotoAsync(sweep);
        await municipality.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.True(await municipality.EvaluateAsync<bool>("() => !!window.Chart && !!Chart.getChart('sweep-chart')"), "the sweep's chart is drawn");
        var rows = await municipality.Locator("#sweep tbody tr").CountAsync();
        var chartLines = await municipality.EvaluateAsync<int>("() => Chart.getChart('sweep-chart').data.datasets.length");
        Assert.Equal(rows, chartLines);
        await municipality.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "municipality-sweep-chart.png"), FullPage = true });

        await municipality.GotoAsync("/gemeente/wat-als");
        await Expect(municipality.Locator("#runs")).ToContainTextAsync("gezinshuis", new LocatorAssertionsToContainTextOptions { IgnoreCase = true });
    }

    [Fact]
    public async Task EveryPageType_SpeaksDutch_WithoutEnglishWordsOrRawCodes()
    {
        var found = new List<string>();
        var market = Matchmaker.Tests.Market.MarketScenario.On(browser.Database, browser.Node);
        var round = await market.Desk.PostAsync($"/api/v1/regions/{BrowserFixture.Region}/matching-rounds", null);
        var roundId = (await round.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var byRole = new Dictionary<string, IPage>();
        foreach (var (role, path) in (await PageTypesAsync()).Append(("desk", $"/tafel/matching?round={roundId}")))
        {
            var page = byRole.TryGetValue(role, out var open) ? open : byRole[role] = await browser.SignedInPageAsync(role);
            await page.GotoAndSettleAsync(path);
            // Open every details element, so folded explanations are read too.
            await page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => d.open = true)");
            found.AddRange(UiLanguage.FoundIn(await page.InnerTextAsync("body")).Select(hit => $"{path} as {role}: {hit}"));
        }
        foreach (var page in byRole.Values) await page.Context.CloseAsync();

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>A file name for a page's screenshot: its first two path segments and the first query key ("tafel-matching-round").</summary>
    private static string ScreenshotName(string path)
    {
        var (route, query) = path.IndexOf('?') is var q and >= 0 ? (path[..q], path[(q + 1)..]) : (path, "");
        var name = string.Join('-', route.Trim('/').Split('/').Take(2).Where(p => p.Length > 0).DefaultIfEmpty("home"));
        return query.Length == 0 ? name : $"{name}-{query.Split('=', '&')[0]}";
    }

    /// <summary>What must be within reach on a phone, per page: the buttons a person came for, and the round's "Waarom".</summary>
    private static readonly Dictionary<string, string[]> KeyControls = new()
    {
        ["/aanbieder"] = ["button:has-text('+1 vrij')", "button:has-text('Opslaan')", "button:has-text('Nog steeds juist')", "button:has-text('Alles nog juist')"],
        ["/aanbieder/voorstellen"] = ["button:has-text('Accepteren')", "button:has-text('Afwijzen')"],
        ["/tafel/matching?round="] = ["#proposals td[data-label=Waarom]", "#proposals input[type=checkbox]", "button:has-text('Gekozen voorstellen controleren')"],
        ["/tafel/aanvraag"] = ["button:has-text('Aanvraag registreren')"],
        ["/jeugdbeschermer/aanvraag"] = ["button:has-text('Aanvraag indienen')"],
    };

    [Fact]
    public async Task EveryPageType_FitsAPhoneOf390Pixels_WithoutScrollingSideways_WithItsKeyButtonsInReach()
    {
        const int phone = 390;
        var prepared = await browser.PrepareOfferingAsync();
        var market = Matchmaker.Tests.Market.MarketScenario.On(browser.Database, browser.Node);
        // A proposal for the provider, and a round with proposals for the desk.
        var child = await market.RegisterAsync(Matchmaker.Tests.Market.MarketScenario.ChildFor(await market.FactsAsync(prepared.Id), "BRW-PHONE-01", maxDistanceKm: 400));
        (await market.Desk.PostAsync($"/api/v1/offerings/{prepared.Id}/holds", JsonContent.Create(new { requestId = child }))).EnsureSuccessStatusCode();
        var round = await market.Desk.PostAsync($"/api/v1/regions/{BrowserFixture.Region}/matching-rounds", null);
        var roundId = (await round.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var pages = (await PageTypesAsync()).Append(("desk", $"/tafel/matching?round={roundId}")).ToList();
        var problems = new List<string>();
        var byRole = new Dictionary<string, IPage>();
        foreach (var (role, path) in pages)
        {
            var page = byRole.TryGetValue(role, out var open) ? open : byRole[role] = await browser.SignedInPageAsync(role, bypassCsp: true, viewportWidth: phone);
            await page.GotoAndSettleAsync(path);
            var (scroll, inner) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("() => window.innerWidth"));
            if (scroll > phone || inner != phone)
                problems.Add($"{path} as {role}: {scroll} px wide in a {inner} px window, widest: " + await page.EvaluateAsync<string>("""
                    () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                        .filter(e => !e.closest('.table-scroll') || e.classList.contains('table-scroll'))
                        .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
                        .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                            + ' ' + Math.round(e.getBoundingClientRect().right) + 'px').join(', ')
                    """));
            // Room at the sides: the page's heading does not touch the screen's edge; the header leaves the screen to the page.
            var headingLeft = await page.EvaluateAsync<double>("() => document.querySelector('main h1, main h2, main p').getBoundingClientRect().left");
            if (headingLeft < 12) problems.Add($"{path} as {role}: the page's text starts {headingLeft:0} px from the screen's edge");
            var header = await page.EvaluateAsync<double>("() => document.querySelector('.site-header').getBoundingClientRect().height + (document.querySelector('.demo-banner')?.getBoundingClientRect().height ?? 0)");
            if (header > 160) problems.Add($"{path} as {role}: the header takes {header:0} px of a phone's height");
            foreach (var selector in KeyControls.Where(k => path == k.Key || (k.Key.EndsWith('=') && path.StartsWith(k.Key))).SelectMany(k => k.Value))
            {
                var controls = await page.Locator(selector).AllAsync();
                if (controls.Count == 0) problems.Add($"{path} as {role}: no {selector}");
                foreach (var control in controls.Take(3))
                {
                    var box = await control.EvaluateAsync<double[]>("e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; }");
                    if (box[0] < 0 || box[1] > phone) problems.Add($"{path} as {role}: {selector} lies at {box[0]:0}-{box[1]:0} px, outside the {phone} px screen");
                }
            }
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(browser.ScreenshotFolder, $"phone-{role}-{ScreenshotName(path)}.png"),
                FullPage = true,
            });
            if (path.Contains("?round="))
                await page.Locator("#proposals").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "phone-desk-round-proposals.png") });
            foreach (var violation in (await AxeAsync(page)).EnumerateArray())
                if (violation.GetProperty("impact").GetString() is "serious" or "critical")
                    problems.Add($"{path} as {role} at {phone} px: {violation.GetProperty("impact").GetString()} {violation.GetProperty("id").GetString()} ({violation.GetProperty("target")})");
        }
        foreach (var page in byRole.Values) await page.Context.CloseAsync();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
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
