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

    /// <summary>A child held at a fresh place of the demo provider, and that provider's proposals page open (signed in, with its form token).</summary>
    private async Task<(MarketScenario Market, HttpClient Page, string Token, Guid HoldId)> ProposalOnThePageAsync(string provider, string caseReference)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, caseReference));
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
        var page = market.App.CreateClient();
        await SignIn.AsDemoAsync(page, MarketScenario.Region, "provider");
        return (market, page, SignIn.AntiforgeryToken(await page.GetStringAsync("/aanbieder/voorstellen")), holdId);
    }
}
