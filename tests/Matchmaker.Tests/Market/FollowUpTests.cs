using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Market;

/// <summary>
/// Issue 21 item 5: after filing, the caseworker adds information, changes the urgency with a reason and withdraws (after
/// a check step), and sees who handles the child; the home PC4 must lie near the chosen municipality; the expertise
/// network sees the places that are only too far and asks the desk, once, to widen the distance.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFormsCollection.Name)]
public sealed partial class FollowUpTests(SharedMarket markets)
{
    private static string Dossier(Guid child) => $"/jeugdbeschermer/kind/{child}";

    private static async Task<HttpClient> SignedInAsync(MarketScenario market, string region, string role)
    {
        var browser = market.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignIn.AsDemoAsync(browser, region, role);
        return browser;
    }

    /// <summary>A waiting child of Rijnmond that fits the offering, filed by Rijnmond's demo caseworker.</summary>
    private static async Task<Guid> CaseworkersChildAsync(MarketScenario market, MarketScenario.OfferingFacts offering, string caseReference)
    {
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, caseReference));
        await market.ExecuteAsync("UPDATE requests SET caseworker_id = (SELECT id FROM users WHERE email = @email) WHERE id = @child",
            new { email = Silo.Demo.DemoDataGenerator.DemoEmail(Roles.Caseworker, MarketScenario.Region), child });
        return child;
    }

    /// <summary>Posts a page handler's form (the antiforgery token is the signed-in person's, read from a page of their own).</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient person, string home, string path, string handler, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await person.GetStringAsync(home));
        return await person.PostAsync($"{path}?handler={handler}", new FormUrlEncodedContent(form));
    }

    private static Task<HttpResponseMessage> CaseworkerPostAsync(HttpClient caseworker, Guid child, string handler, Dictionary<string, string> form) =>
        PostAsync(caseworker, "/jeugdbeschermer", Dossier(child), handler, form);

    private static async Task<long> KnownVersionAsync(HttpClient caseworker, Guid child) =>
        long.Parse(KnownVersion().Match(await caseworker.GetStringAsync(Dossier(child))).Groups[1].Value);

    [GeneratedRegex("name=\"KnownVersion\" value=\"([0-9]+)\"")]
    private static partial Regex KnownVersion();

    private static async Task<JsonElement[]> EntriesAsync(MarketScenario market, Guid child) =>
        [.. (await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/regions/{MarketScenario.Region}/requests/{child}/timeline"))
            .GetProperty("entries").EnumerateArray()];

    private static Task<long> NotesAsync(MarketScenario market, Guid child) =>
        market.ScalarAsync<long>("SELECT count(*) FROM request_notes WHERE request_id = @child", new { child });

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheCaseworkerAddsInformation_ItLandsInTheDossierTheDeskReads_AndInTheAudit(string provider)
    {
        var market = await markets.ForAsync(provider);
        var child = await CaseworkersChildAsync(market, await market.OfferingWithFreeUnitsAsync(free: 1), "RIJ-FU-0001");
        var caseworker = await SignedInAsync(market, MarketScenario.Region, "caseworker");
        var deskLive = await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child });

        var added = await CaseworkerPostAsync(caseworker, child, "Information",
            new() { ["InformationText"] = "Moeder is verhuisd naar Schiedam; de school blijft in Rotterdam." });
        var entries = await EntriesAsync(market, child);
        var desksDossier = await (await SignedInAsync(market, MarketScenario.Region, "desk")).GetStringAsync($"/tafel/kind/{child}");

        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var entry = Assert.Single(entries, e => e.GetProperty("kind").GetString() == "information");
        Assert.Equal("Moeder is verhuisd naar Schiedam; de school blijft in Rotterdam.", entry.GetProperty("note").GetString());
        Assert.Contains("Informatie van de jeugdbeschermer", desksDossier);
        // The row's version moved: the desk's open dossier hears a requestChanged for it.
        Assert.Equal(deskLive + 1, await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child }));
        Assert.Equal(1L, await market.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'request-information-added' AND subject_id = @id AND role = 'caseworker'", new { id = child.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task InformationWithHiddenOrDirectionChangingCharacters_OrNone_IsRefusedBesideTheField_AndNothingIsStored(string provider)
    {
        var market = await markets.ForAsync(provider);
        var child = await CaseworkersChildAsync(market, await market.OfferingWithFreeUnitsAsync(free: 1), "RIJ-FU-0002");
        var caseworker = await SignedInAsync(market, MarketScenario.Region, "caseworker");
        var caseworkerActor = await CaseworkerActorAsync(market);

        var bidi = await CaseworkerPostAsync(caseworker, child, "Information", new() { ["InformationText"] = "Reden: geen \u202Eetalp" });
        var empty = await CaseworkerPostAsync(caseworker, child, "Information", new() { ["InformationText"] = "   " });
        var zeroWidth = await Assert.ThrowsAsync<MarketRuleException>(() =>
            market.Grains.Request(MarketScenario.Region, child).AddInformation(caseworkerActor, "Vader\u200B belt", null));

        Assert.Equal(HttpStatusCode.OK, bidi.StatusCode);
        Assert.Contains("leesrichting omdraait", await bidi.Content.ReadAsStringAsync());
        Assert.Contains("Schrijf op wat de tafel moet weten.", await empty.Content.ReadAsStringAsync());
        // The engine refuses it too, whichever door it comes through.
        Assert.Equal(RuleCode.InvalidInput, zeroWidth.Code);
        Assert.Equal(0L, await NotesAsync(market, child));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheCaseworkerChangesTheUrgencyWithAReason_TheChildIsPrioritisedAgain_AndTheDossierSaysWhy(string provider)
    {
        var market = await markets.ForAsync(provider);
        var child = await CaseworkersChildAsync(market, await market.OfferingWithFreeUnitsAsync(free: 1), "RIJ-FU-0003");
        var caseworker = await SignedInAsync(market, MarketScenario.Region, "caseworker");
        var request = $"/api/v1/regions/{MarketScenario.Region}/requests/{child}";
        var before = await market.Desk.GetFromJsonAsync<JsonElement>(request);

        var changed = await CaseworkerPostAsync(caseworker, child, "Urgency", new()
        {
            ["Urgency"] = "crisis", ["UrgencyReason"] = "Thuis is het onveilig geworden", ["KnownVersion"] = (await KnownVersionAsync(caseworker, child)).ToString(),
        });
        var after = await market.Desk.GetFromJsonAsync<JsonElement>(request);
        var entry = Assert.Single(await EntriesAsync(market, child), e => e.GetProperty("kind").GetString() == "urgency-changed");

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("urgent", before.GetProperty("urgency").GetString());
        Assert.Equal("crisis", after.GetProperty("urgency").GetString());
        // Priority 1 is the most pressing: the child is now before the urgent ones on the desk's board and in the matcher.
        Assert.Equal(2, before.GetProperty("priority").GetInt32());
        Assert.Equal(1, after.GetProperty("priority").GetInt32());
        Assert.Equal("Thuis is het onveilig geworden", entry.GetProperty("note").GetString());
        Assert.Contains("van spoed naar crisis", entry.GetProperty("text").GetString());
        Assert.Equal(1L, await market.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'request-urgency-changed' AND subject_id = @id AND detail = 'urgent -> crisis'", new { id = child.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnUrgencyChangeWithoutAReason_OrOnAVersionTheDeskChangedSince_IsRefused_AndNothingChanges(string provider)
    {
        var market = await markets.ForAsync(provider);
        var child = await CaseworkersChildAsync(market, await market.OfferingWithFreeUnitsAsync(free: 1), "RIJ-FU-0004");
        var caseworker = await SignedInAsync(market, MarketScenario.Region, "caseworker");
        var read = await KnownVersionAsync(caseworker, child);
        var caseworkerActor = await CaseworkerActorAsync(market);

        var withoutReason = await CaseworkerPostAsync(caseworker, child, "Urgency", new() { ["Urgency"] = "crisis", ["UrgencyReason"] = "", ["KnownVersion"] = read.ToString() });
        (await market.Desk.PatchAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests/{child}", new { maxDistanceKm = 60 })).EnsureSuccessStatusCode();
        var stale = await CaseworkerPostAsync(caseworker, child, "Urgency",
            new() { ["Urgency"] = "crisis", ["UrgencyReason"] = "Thuis is het onveilig geworden", ["KnownVersion"] = read.ToString() });
        var staleAtTheEngine = await Assert.ThrowsAsync<MarketRuleException>(() => market.Grains.Request(MarketScenario.Region, child)
            .ChangeUrgency(caseworkerActor, "crisis", "Thuis is het onveilig geworden", read));
        var noReasonAtTheEngine = await Assert.ThrowsAsync<MarketRuleException>(() => market.Grains.Request(MarketScenario.Region, child)
            .ChangeUrgency(caseworkerActor, "crisis", " ", read + 1));

        Assert.Contains("Geef de reden waarom de urgentie verandert.", await withoutReason.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Contains("De hulpvraag is intussen gewijzigd", await stale.Content.ReadAsStringAsync());
        Assert.Equal(RuleCode.RequestChanged, staleAtTheEngine.Code);
        Assert.Equal(RuleCode.InvalidInput, noReasonAtTheEngine.Code);
        Assert.Equal("urgent", await market.ScalarAsync<string>("SELECT urgency FROM requests WHERE id = @child", new { child }));
        Assert.Equal(0L, await NotesAsync(market, child));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnotherCaseworker_FindsNoSuchChild_AtEveryFollowUp_AndOtherRolesAreRefusedByTheEngine(string provider)
    {
        var market = await markets.ForAsync(provider);
        var child = await CaseworkersChildAsync(market, await market.OfferingWithFreeUnitsAsync(free: 1), "RIJ-FU-0005");
        var colleague = await SignedInAsync(market, MarketScenario.OtherRegion, "caseworker");
        var grain = market.Grains.Request(MarketScenario.Region, child);
        var otherCaseworker = new Actor(Guid.NewGuid(), "user", Roles.Caseworker, MarketScenario.Region, null);
        var desk = new Actor(Guid.NewGuid(), "user", Roles.Desk, MarketScenario.Region, null);

        var look = await colleague.GetAsync(Dossier(child));
        var information = await CaseworkerPostAsync(colleague, child, "Information", new() { ["InformationText"] = "Niet van mij" });
        var urgency = await CaseworkerPostAsync(colleague, child, "Urgency", new() { ["Urgency"] = "crisis", ["UrgencyReason"] = "Niet van mij", ["KnownVersion"] = "1" });
        var withdraw = await CaseworkerPostAsync(colleague, child, "Withdraw", new() { ["WithdrawReason"] = "duplicate", ["WithdrawConfirmed"] = "true" });
        var refusals = new[]
        {
            await Assert.ThrowsAsync<MarketRuleException>(() => grain.AddInformation(otherCaseworker, "Niet van mij", null)),
            await Assert.ThrowsAsync<MarketRuleException>(() => grain.ChangeUrgency(otherCaseworker, "crisis", "Niet van mij", 1)),
            await Assert.ThrowsAsync<MarketRuleException>(() => grain.WithdrawAsCaseworker(otherCaseworker, "duplicate")),
            await Assert.ThrowsAsync<MarketRuleException>(() => grain.AddInformation(desk, "Ik ben de tafel", null)),
            await Assert.ThrowsAsync<MarketRuleException>(() => grain.ChangeUrgency(desk, "crisis", "Ik ben de tafel", 1)),
            await Assert.ThrowsAsync<MarketRuleException>(() => grain.WithdrawAsCaseworker(desk, "duplicate")),
            await Assert.ThrowsAsync<MarketRuleException>(() => grain.AskWiderDistance(desk, null)),
        };

        Assert.All(new[] { look, information, urgency, withdraw }, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.All(refusals, e => Assert.Equal(RuleCode.NotFound, e.Code));
        Assert.Equal("open", await market.ScalarAsync<string>("SELECT status FROM requests WHERE id = @child", new { child }));
        Assert.Equal("urgent", await market.ScalarAsync<string>("SELECT urgency FROM requests WHERE id = @child", new { child }));
        Assert.Equal(0L, await NotesAsync(market, child));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheCaseworkerWithdraws_OnlyAfterTheCheckStep_AndTheHoldOnTheChildIsReleasedThroughItsOffering(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await CaseworkersChildAsync(market, offering, "RIJ-FU-0006");
        (await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId = child })).EnsureSuccessStatusCode();
        var caseworker = await SignedInAsync(market, MarketScenario.Region, "caseworker");

        var withoutReason = await CaseworkerPostAsync(caseworker, child, "Withdraw", new() { ["WithdrawReason"] = "" });
        var check = await CaseworkerPostAsync(caseworker, child, "Withdraw", new() { ["WithdrawReason"] = "placed-elsewhere" });
        var checkPage = await check.Content.ReadAsStringAsync();
        var heldWhileChecking = (await market.FactsAsync(offering.Id)).HeldUnits;
        var withdrawn = await CaseworkerPostAsync(caseworker, child, "Withdraw", new() { ["WithdrawReason"] = "placed-elsewhere", ["WithdrawConfirmed"] = "true" });
        var entries = await EntriesAsync(market, child);

        Assert.Contains("Kies waarom u de hulpvraag intrekt.", await withoutReason.Content.ReadAsStringAsync());
        Assert.Contains("id=\"withdraw-check\"", checkPage);
        Assert.Contains("Buiten Matchmaker geplaatst", checkPage);
        Assert.Equal(1, heldWhileChecking);
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        Assert.Equal("withdrawn", await market.ScalarAsync<string>("SELECT status FROM requests WHERE id = @child", new { child }));
        Assert.Equal("released", await market.ScalarAsync<string>("SELECT status FROM holds WHERE request_id = @child", new { child }));
        Assert.Equal(0, (await market.FactsAsync(offering.Id)).HeldUnits);
        Assert.Contains(entries, e => e.GetProperty("kind").GetString() == "withdrawn" && e.GetProperty("reason").GetString() == "placed-elsewhere");
        Assert.Equal("caseworker", await market.ScalarAsync<string>(
            "SELECT role FROM audit_log WHERE action = 'request-withdrawn' AND subject_id = @id", new { id = child.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheCaseworkerSeesWhoHandlesTheChild_TheDesksLineAndMailbox_AndTheProviderOnceItHoldsAPlace(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await CaseworkersChildAsync(market, offering, "RIJ-FU-0007");
        var caseworker = await SignedInAsync(market, MarketScenario.Region, "caseworker");
        // The demo desks have no phone line; a region that gives one has it shown (set here in the test database only).
        const string deskPhone = "088 000 00 00";
        await market.ExecuteAsync("UPDATE regions SET desk_phone = @deskPhone WHERE code = @region", new { deskPhone, region = MarketScenario.Region });
        var deskEmail = await market.ScalarAsync<string>("SELECT desk_email FROM regions WHERE code = @region", new { region = MarketScenario.Region });
        var providerName = await market.ScalarAsync<string>("SELECT p.name FROM offerings o JOIN organisations p ON p.id = o.provider_id WHERE o.id = @id",
            new { id = offering.Id });

        var waiting = await caseworker.GetStringAsync(Dossier(child));
        (await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId = child })).EnsureSuccessStatusCode();
        var held = await caseworker.GetStringAsync(Dossier(child));

        await market.ExecuteAsync("UPDATE regions SET desk_phone = NULL WHERE code = @region", new { region = MarketScenario.Region });
        Assert.Contains(deskPhone, waiting);
        Assert.Contains("tel:0880000000", waiting);
        Assert.Contains($"mailto:{deskEmail}", waiting);
        Assert.Contains("id=\"no-provider\"", waiting);
        Assert.Contains("id=\"provider-contacts\"", held);
        Assert.Contains(WebUtility.HtmlEncode(providerName), held);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AHomePc4FarFromTheChosenMunicipality_IsRefusedBesideThePc4Field_AndNothingIsFiled_WhileAMatchingPairIsAccepted(string provider)
    {
        var market = await markets.ForAsync(provider);
        var caseworker = await SignedInAsync(market, MarketScenario.Region, "caseworker");
        var aalten = await market.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE name = 'Aalten'");
        var rotterdam = await market.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE name = 'Rotterdam'");
        var before = await market.ScalarAsync<long>("SELECT count(*) FROM requests");

        var mismatch = await FileAsync(caseworker, "GI-PC4-0001", "3011", aalten);
        var mismatchPage = await mismatch.Content.ReadAsStringAsync();
        var filedNothing = await market.ScalarAsync<long>("SELECT count(*) FROM requests");
        var apiMismatch = await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests", WithHome(
            MarketScenario.ChildFor(await market.OfferingWithFreeUnitsAsync(free: 1), "RIJ-PC4-0002"), "7121", rotterdam));
        var matching = await FileAsync(caseworker, "GI-PC4-0003", "3011", rotterdam);

        Assert.Equal(HttpStatusCode.OK, mismatch.StatusCode);
        Assert.Matches("id=\"homePc4\"[^>]*aria-invalid=\"true\"", mismatchPage);
        Assert.Contains("Dit postcodegebied ligt niet in of bij de gekozen gemeente", mismatchPage);
        Assert.Equal(before, filedNothing);
        Assert.Equal(HttpStatusCode.BadRequest, apiMismatch.StatusCode);
        var problem = await apiMismatch.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("home-pc4-outside-municipality", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("homePc4", out _));
        Assert.Equal(HttpStatusCode.Redirect, matching.StatusCode);
        Assert.Equal(before + 1, await market.ScalarAsync<long>("SELECT count(*) FROM requests"));
    }

    private static object WithHome(object child, string pc4, Guid municipality)
    {
        var body = JsonSerializer.SerializeToNode(child)!.AsObject();
        body["homePc4"] = pc4;
        body["municipalityId"] = municipality;
        return body;
    }

    private static async Task<HttpResponseMessage> FileAsync(HttpClient caseworker, string caseReference, string pc4, Guid municipality)
    {
        var form = new Dictionary<string, string>
        {
            ["Form.CaseReference"] = caseReference, ["Form.MeasureType"] = "ots", ["Form.MeasureStart"] = MarketScenario.InDays(-20),
            ["Form.Urgency"] = "urgent", ["Form.CareType"] = "foster-long", ["Form.BirthMonth"] = DateTime.UtcNow.AddYears(-9).ToString("yyyy-MM"),
            ["Form.Gender"] = "f", ["Form.HomePc4"] = pc4, ["Form.Municipality"] = municipality.ToString(), ["Form.MaxDistanceKm"] = "40",
        };
        form["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await caseworker.GetStringAsync("/jeugdbeschermer/aanvraag"));
        return await caseworker.PostAsync("/jeugdbeschermer/aanvraag", new FormUrlEncodedContent(form));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheNetworkSeesThePlacesThatAreOnlyTooFar_AndAsksTheDeskOnceToWidenTheDistance_WhichLandsInTheDossier(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 2);
        // The child lives about 30 km from the place and may live at most 5 km from home.
        var body = JsonSerializer.SerializeToNode(MarketScenario.ChildFor(offering, "RIJ-FU-0009", maxDistanceKm: 5))!.AsObject();
        body["homeLat"] = offering.Lat > 52 ? offering.Lat - 0.27 : offering.Lat + 0.27;
        var child = await market.RegisterAsync(body);
        (await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests/{child}/escalation",
            new { reason = "Geen plek binnen 5 km" })).EnsureSuccessStatusCode();
        var network = await SignedInAsync(market, MarketScenario.OtherRegion, "network");
        var otherNetwork = await SignedInAsync(market, "groningen", "network");
        var page = $"/bovenregionaal/kind/{child}";

        var childPage = await network.GetStringAsync(page);
        var bidi = await PostAsync(network, "/bovenregionaal", page, "AskDistance", new() { ["DistanceNote"] = "Kijk \u2066hier\u2069" });
        var asked = await PostAsync(network, "/bovenregionaal", page, "AskDistance", new() { ["DistanceNote"] = "Op 30 km is een gezinshuis vrij" });
        var askedAgain = await PostAsync(network, "/bovenregionaal", page, "AskDistance", new() { ["DistanceNote"] = "Op 30 km is een gezinshuis vrij" });
        var notTheirs = await PostAsync(otherNetwork, "/bovenregionaal", page, "AskDistance", new() { ["DistanceNote"] = "" });
        var desksDossier = await (await SignedInAsync(market, MarketScenario.Region, "desk")).GetStringAsync($"/tafel/kind/{child}");
        var entries = await EntriesAsync(market, child);

        Assert.Contains("id=\"too-far-places\"", childPage);
        Assert.Contains($"data-offering=\"{offering.Id}\"", childPage[childPage.IndexOf("too-far-places", StringComparison.Ordinal)..]);
        Assert.Contains("Vraag de tafel de afstand te verruimen", childPage);
        Assert.Contains("leesrichting omdraait", await bidi.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, askedAgain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        var entry = Assert.Single(entries, e => e.GetProperty("kind").GetString() == "distance-asked");
        Assert.Equal("Op 30 km is een gezinshuis vrij", entry.GetProperty("note").GetString());
        Assert.Contains("id=\"distance-asked\"", desksDossier);
        Assert.Equal(1L, await market.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'distance-asked' AND subject_id = @id AND role = 'network'", new { id = child.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoAsksAtOnce_StoreOneRow_AndNeitherIsA500_AndTheDatabaseItselfRefusesASecond(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-FU-0010", maxDistanceKm: 5));
        (await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests/{child}/escalation",
            new { reason = "Geen plek binnen 5 km" })).EnsureSuccessStatusCode();
        var first = await SignedInAsync(market, MarketScenario.OtherRegion, "network");
        var second = await SignedInAsync(market, MarketScenario.OtherRegion, "network");
        var page = $"/bovenregionaal/kind/{child}";
        var forms = new List<(HttpClient Network, Dictionary<string, string> Form)>();
        foreach (var network in new[] { first, second })
            forms.Add((network, new Dictionary<string, string> { ["DistanceNote"] = "Op 30 km is plek",
                ["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await network.GetStringAsync("/bovenregionaal")) }));

        var answers = await Task.WhenAll(forms.Select(f => f.Network.PostAsync($"{page}?handler=AskDistance", new FormUrlEncodedContent(f.Form))));
        // Beside the engine, the database: a second row for the same child and distance cannot be written at all.
        var sneaked = await Record.ExceptionAsync(() => market.ExecuteAsync("""
            INSERT INTO request_notes (id, region_code, request_id, kind, text, detail, author_id, author_role, created_at)
            SELECT @id, region_code, request_id, kind, text, detail, author_id, author_role, created_at FROM request_notes
            WHERE request_id = @child AND kind = 'distance-asked'
            """, new { id = Guid.NewGuid(), child }));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode));
        Assert.Equal(1L, await market.ScalarAsync<long>(
            "SELECT count(*) FROM request_notes WHERE request_id = @child AND kind = 'distance-asked'", new { child }));
        Assert.NotNull(sneaked);
        Assert.Equal(1L, await market.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'distance-asked' AND subject_id = @id", new { id = child.ToString() }));
    }

    private static async Task<Actor> CaseworkerActorAsync(MarketScenario market) =>
        new(await market.ScalarAsync<Guid>("SELECT id FROM users WHERE email = @email",
            new { email = Silo.Demo.DemoDataGenerator.DemoEmail(Roles.Caseworker, MarketScenario.Region) }), "user", Roles.Caseworker, MarketScenario.Region, null);
}
