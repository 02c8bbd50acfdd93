using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>The provider's proposals page: a refused answer says which proposal and which field, beside that field.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed class ProposalsPageTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ADeclineWithoutReason_IsRefusedBesideThatProposalsReason_NamingTheProposal_AndKeepsWhatWasTyped(string provider)
    {
        var (market, page, token, holdId) = await ProposalOnThePageAsync(provider, "RIJ-AFWIJS-01");

        var response = await page.PostAsync("/aanbieder/voorstellen?handler=Decline", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["holdId"] = holdId.ToString(), ["reason"] = "", ["note"] = "Groep is vol",
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"error-summary\"", html);
        Assert.Contains($"href=\"#reason-{holdId}\"", html);
        Assert.Contains($"id=\"reason-{holdId}-error\"", html);
        Assert.Contains($"aria-describedby=\"reason-{holdId}-error\"", html);
        Assert.Contains("Groep is vol</textarea>", html);
        // The start date of the other form is a date the browser can show (yyyy-mm-dd), not text around one.
        Assert.Matches($"id=\"start-{holdId}\" name=\"startDate\"\\s+value=\"\\d{{4}}-\\d{{2}}-\\d{{2}}\"", html);
        Assert.Equal("active", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ANoteTooLongOrWithAHiddenCharacter_OrAStartDateThatDoesNotExist_IsRefusedSayingWhy_AndTheProposalStays(string provider)
    {
        var (market, page, token, holdId) = await ProposalOnThePageAsync(provider, "RIJ-WAAROM-01");
        async Task<string> PostAsync(string handler, Dictionary<string, string> fields)
        {
            fields["__RequestVerificationToken"] = token;
            fields["holdId"] = holdId.ToString();
            return await (await page.PostAsync($"/aanbieder/voorstellen?handler={handler}", new FormUrlEncodedContent(fields))).Content.ReadAsStringAsync();
        }

        var longNote = await PostAsync("Decline", new() { ["reason"] = "other", ["note"] = new string('x', 2001) });
        var hiddenNote = await PostAsync("Decline", new() { ["reason"] = "other", ["note"] = "Vol \u202Etot maart" });
        var noSuchDay = await PostAsync("Accept", new() { ["startDate"] = "2027-02-30" });

        Assert.Contains("hoogstens 2000 tekens", longNote);
        Assert.Contains($"href=\"#note-{holdId}\"", longNote);
        Assert.Contains("onzichtbaar teken", hiddenNote);
        Assert.Contains("die bestaat", noSuchDay);
        Assert.Contains($"href=\"#start-{holdId}\"", noSuchDay);
        Assert.Equal("active", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Accepting_ShowsWhatIsAcceptedFirst_AndBindsOnlyWhenConfirmed(string provider)
    {
        var (market, page, token, holdId) = await ProposalOnThePageAsync(provider, "RIJ-ACCEPT-01");
        var start = MarketScenario.InDays(3);
        Task<HttpResponseMessage> AcceptAsync(params (string, string)[] extra) => page.PostAsync("/aanbieder/voorstellen?handler=Accept",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["holdId"] = holdId.ToString(), ["startDate"] = start }
                .Concat(extra.Select(e => KeyValuePair.Create(e.Item1, e.Item2)))));

        var check = await AcceptAsync();
        var checkHtml = await check.Content.ReadAsStringAsync();
        var statusAfterCheck = await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId });
        var confirmed = await AcceptAsync(("confirmed", "true"));

        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Contains("Controleer en bevestig", checkHtml);
        Assert.Contains(DateOnly.Parse(start).ToString("dd-MM-yyyy"), checkHtml);
        Assert.DoesNotContain("RIJ-ACCEPT-01", checkHtml);
        Assert.Equal("active", statusAfterCheck);
        Assert.Contains("Geaccepteerd: het kind start op", await confirmed.Content.ReadAsStringAsync());
        Assert.Equal("accepted", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId }));
    }
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChangingTheStartDateOnTheCheckStep_ReturnsToTheFormWithTheChosenDate_AndNonsenseInTheLinkIsIgnored(string provider)
    {
        var (_, page, token, holdId) = await ProposalOnThePageAsync(provider, "RIJ-ACCEPT-02");
        var start = MarketScenario.InDays(5);
        var check = await (await page.PostAsync("/aanbieder/voorstellen?handler=Accept", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__RequestVerificationToken"] = token, ["holdId"] = holdId.ToString(), ["startDate"] = start }))).Content.ReadAsStringAsync();
        var change = System.Text.RegularExpressions.Regex.Match(check, "href=\"([^\"]*)\">Wijzigen").Groups[1].Value.Replace("&amp;", "&");

        var back = await page.GetStringAsync(change);
        var nonsense = await page.GetAsync($"/aanbieder/voorstellen?voorstel={holdId}&startdatum=gisteren");

        Assert.StartsWith("/aanbieder/voorstellen?", change);
        Assert.Matches($"id=\"start-{holdId}\" name=\"startDate\"\\s+value=\"{start}\"", back);
        Assert.Equal(HttpStatusCode.OK, nonsense.StatusCode);
        Assert.Contains($"value=\"{MarketScenario.InDays(7)}\"", await nonsense.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheCardAndTheCheckStep_TellTheMeasure_TheDaysWaited_WhyThisPlace_AndHowToReachTheDesk(string provider)
    {
        var (market, page, token, holdId) = await ProposalOnThePageAsync(provider, "RIJ-KAART-01", waitedDays: 23);
        var deskEmail = await market.ScalarAsync<string>("SELECT desk_email FROM regions WHERE code = @region", new { region = MarketScenario.Region });

        var card = Card(await page.GetStringAsync("/aanbieder/voorstellen"), holdId);
        var check = await (await page.PostAsync("/aanbieder/voorstellen?handler=Accept", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__RequestVerificationToken"] = token, ["holdId"] = holdId.ToString(), ["startDate"] = MarketScenario.InDays(3) }))).Content.ReadAsStringAsync();

        foreach (var shown in new[] { card, check })
        {
            Assert.Contains("Ondertoezichtstelling (OTS)", shown);
            Assert.Contains("wacht 23 dagen", shown);
            Assert.Contains("De tafel koos deze plek zelf.", shown);
            Assert.Contains("Past bij het kind: soort zorg, leeftijd en gender.", shown);
            Assert.Contains("Ligt binnen de maximale afstand van huis die voor het kind geldt.", shown);
            Assert.Contains("Ligt in de regio van het kind, en die regio heeft de plek ingekocht.", shown);
            Assert.Contains($"mailto:{deskEmail}", shown);
            // The demo desks have no phone line (a made-up number could be somebody's): the mailbox only.
            Assert.DoesNotContain("tel:", shown);
            Assert.DoesNotContain("RIJ-KAART-01", shown);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task APlaceHeldOutsideThePolicy_TellsTheProviderTheDesksReason(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-KAART-02"));
        await market.OutsidePolicyAsync(offering.Id);
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds",
            new { requestId, outsidePolicyReason = "Enige plek met traumabehandeling binnen 50 km" });
        hold.EnsureSuccessStatusCode();
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        var page = market.App.CreateClient();
        await SignIn.AsDemoAsync(page, MarketScenario.Region, "provider");

        var card = Card(await page.GetStringAsync("/aanbieder/voorstellen"), holdId);
        var answer = await market.Provider.GetFromJsonAsync<JsonElement>($"/api/v1/holds/{holdId}");

        Assert.Contains("niet ingekocht", card);
        Assert.Contains("De tafel hield deze plek bewust buiten het beleid van de regio vast, omdat: Enige plek met traumabehandeling binnen 50 km", card);
        Assert.Contains(answer.GetProperty("whyThisPlace").EnumerateArray(), reason => reason.GetString()!.EndsWith("omdat: Enige plek met traumabehandeling binnen 50 km"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheApiAnswer_CarriesTheSameFactsWhileOpen_NoneOnceDeclined_AndNothingForAnotherProvider(string provider)
    {
        var (market, _, _, holdId) = await ProposalOnThePageAsync(provider, "RIJ-KAART-03", waitedDays: 4);
        var deskEmail = await market.ScalarAsync<string>("SELECT desk_email FROM regions WHERE code = @region", new { region = MarketScenario.Region });
        var other = market.App.CreateClient();
        await SignIn.AsDemoAsync(other, MarketScenario.OtherRegion, "provider");
        var othersToken = SignIn.AntiforgeryToken(await other.GetStringAsync("/aanbieder/voorstellen"));
        async Task<string> OthersCheckAsync(Guid id) => await (await other.PostAsync("/aanbieder/voorstellen?handler=Accept",
            new FormUrlEncodedContent(new Dictionary<string, string>
                { ["__RequestVerificationToken"] = othersToken, ["holdId"] = id.ToString(), ["startDate"] = MarketScenario.InDays(3) }))).Content.ReadAsStringAsync();

        var open = await market.Provider.GetFromJsonAsync<JsonElement>($"/api/v1/holds/{holdId}");
        var listed = (await market.Provider.GetFromJsonAsync<JsonElement>("/api/v1/holds")).EnumerateArray().Single(h => h.GetProperty("holdId").GetGuid() == holdId);
        var othersRead = await market.OtherProvider.GetAsync($"/api/v1/holds/{holdId}");
        var othersList = await market.OtherProvider.GetFromJsonAsync<JsonElement>("/api/v1/holds");
        var othersPage = await other.GetStringAsync("/aanbieder/voorstellen");
        var othersCheck = await OthersCheckAsync(holdId);
        var noSuchId = Guid.NewGuid();
        var noSuchCheck = await OthersCheckAsync(noSuchId);
        (await market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/decline", new { reason = "no-capacity" })).EnsureSuccessStatusCode();
        var declined = (await market.Provider.GetFromJsonAsync<JsonElement>("/api/v1/holds?status=declined")).EnumerateArray().Single(h => h.GetProperty("holdId").GetGuid() == holdId);

        foreach (var hold in new[] { open, listed })
        {
            Assert.Equal("ots", hold.GetProperty("measureType").GetString());
            Assert.Equal(4, hold.GetProperty("daysWaited").GetInt32());
            Assert.Contains(hold.GetProperty("whyThisPlace").EnumerateArray(), reason => reason.GetString() == "De tafel koos deze plek zelf.");
            Assert.Equal(deskEmail, hold.GetProperty("desk").GetProperty("email").GetString());
            Assert.Equal(JsonValueKind.Null, hold.GetProperty("desk").GetProperty("phone").ValueKind);
            Assert.Equal(JsonValueKind.Null, hold.GetProperty("caseReference").ValueKind);
        }
        Assert.Equal(HttpStatusCode.NotFound, othersRead.StatusCode);
        Assert.DoesNotContain(othersList.EnumerateArray(), h => h.GetProperty("holdId").GetGuid() == holdId);
        Assert.DoesNotContain(holdId.ToString(), othersPage);
        // Another provider's proposal reads on the page exactly as one that does not exist: nothing of it, not even that it exists.
        Assert.DoesNotContain("wacht 4 dagen", othersCheck);
        Assert.Contains("Dit voorstel bestaat niet (meer).", othersCheck);
        Assert.Equal(WithoutTokens(noSuchCheck).Replace(noSuchId.ToString(), ""), WithoutTokens(othersCheck).Replace(holdId.ToString(), ""));
        foreach (var field in new[] { "measureType", "daysWaited", "whyThisPlace", "desk" })
            Assert.Equal(JsonValueKind.Null, declined.GetProperty(field).ValueKind);
        // The wishes went with the decision: a provider that declined the child no longer reads them.
        Assert.Equal("Dicht bij school", open.GetProperty("childWishes").GetString());
        Assert.Equal("", declined.GetProperty("childWishes").GetString());
    }

    /// <summary>One proposal's card on the page (its section), so that a fact is known to be on this card and not another.</summary>
    private static string Card(string html, Guid holdId)
    {
        var start = html.IndexOf($"data-hold=\"{holdId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "the proposal's card is on the page");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    private static string WithoutTokens(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]*\"", "");

    /// <summary>A child held at a fresh place of the demo provider, and that provider's proposals page open (signed in, with its form token).</summary>
    private async Task<(MarketScenario Market, HttpClient Page, string Token, Guid HoldId)> ProposalOnThePageAsync(string provider, string caseReference,
        int waitedDays = 0)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, caseReference));
        // Registered some days ago: the day count is the provider's "how long has this child waited".
        await market.ExecuteAsync("UPDATE requests SET measure_start = @start WHERE id = @requestId",
            new { start = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-waitedDays), requestId });
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        var page = market.App.CreateClient();
        await SignIn.AsDemoAsync(page, MarketScenario.Region, "provider");
        return (market, page, SignIn.AntiforgeryToken(await page.GetStringAsync("/aanbieder/voorstellen")), holdId);
    }
}
