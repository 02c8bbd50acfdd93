using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFormsCollection.Name)]
public sealed class CaseworkerTests(SharedMarket markets)
{
    private static async Task<HttpClient> CaseworkerAsync(MarketScenario market, string region)
    {
        var browser = market.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignIn.AsDemoAsync(browser, region, "caseworker");
        return browser;
    }

    private static async Task<HttpResponseMessage> FileAsync(HttpClient caseworker, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await caseworker.GetStringAsync("/jeugdbeschermer/aanvraag"));
        return await caseworker.PostAsync("/jeugdbeschermer/aanvraag", new FormUrlEncodedContent(form));
    }

    private static Dictionary<string, string> Child(string caseReference, Guid municipality) => new()
    {
        ["Form.CaseReference"] = caseReference, ["Form.MeasureType"] = "ots", ["Form.MeasureStart"] = MarketScenario.InDays(-20),
        ["Form.Urgency"] = "urgent", ["Form.CareType"] = "foster-long", ["Form.BirthMonth"] = DateTime.UtcNow.AddYears(-9).ToString("yyyy-MM"),
        ["Form.Gender"] = "f", ["Form.HomePc4"] = "2611", ["Form.Municipality"] = municipality.ToString(), ["Form.MaxDistanceKm"] = "40",
    };

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACaseworkerFilesARequest_ToTheDeskOfTheRegionWhereTheChildLives_AndFollowsOnlyTheirOwnChildren(string provider)
    {
        var market = await markets.ForAsync(provider);
        // The caseworker is of Rijnmond; the child lives in a municipality of Haaglanden.
        var delft = await market.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @region ORDER BY name LIMIT 1", new { region = MarketScenario.OtherRegion });
        var caseworker = await CaseworkerAsync(market, MarketScenario.Region);
        var colleague = await CaseworkerAsync(market, MarketScenario.OtherRegion);

        var filed = await FileAsync(caseworker, Child("GI-2026-0001", delft));
        var dossier = filed.Headers.Location!.ToString();
        var deskOfHaaglanden = await market.OtherDesk.GetFromJsonAsync<JsonElement>($"/api/v1/regions/{MarketScenario.OtherRegion}/requests");
        var deskOfRijnmond = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/regions/{MarketScenario.Region}/requests");
        var ownList = await caseworker.GetStringAsync("/jeugdbeschermer");
        var ownDossier = await caseworker.GetStringAsync(dossier);
        var colleaguesList = await colleague.GetStringAsync("/jeugdbeschermer");
        var colleaguesLook = await colleague.GetAsync(dossier);

        Assert.Equal(HttpStatusCode.Redirect, filed.StatusCode);
        Assert.StartsWith("/jeugdbeschermer/kind/", dossier);
        Assert.Contains(deskOfHaaglanden.EnumerateArray(), r => r.GetProperty("caseReference").GetString()!.EndsWith(":GI-2026-0001", StringComparison.Ordinal)
            && r.GetProperty("caseworkerId").ValueKind == JsonValueKind.String);
        Assert.DoesNotContain(deskOfRijnmond.EnumerateArray(), r => r.GetProperty("caseReference").GetString()!.EndsWith(":GI-2026-0001", StringComparison.Ordinal));
        Assert.Contains("GI-2026-0001", ownList);
        Assert.Contains("Ingediend door de jeugdbeschermer", ownDossier);
        Assert.DoesNotContain("GI-2026-0001", colleaguesList);
        Assert.Equal(HttpStatusCode.NotFound, colleaguesLook.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnEmptyOrHalfFilledRequest_ShowsEveryErrorAtOnce_KeepsTheInput_AndFilesNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var caseworker = await CaseworkerAsync(market, MarketScenario.Region);
        var before = await market.ScalarAsync<long>("SELECT count(*) FROM requests");

        var empty = await FileAsync(caseworker, new Dictionary<string, string>());
        var half = await FileAsync(caseworker, new Dictionary<string, string> { ["Form.CaseReference"] = "GI-HALF-7", ["Form.Urgency"] = "crisis" });
        var emptyPage = await empty.Content.ReadAsStringAsync();
        var halfPage = await half.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(HttpStatusCode.OK, half.StatusCode);
        foreach (var message in new[] { "Vul het dossiernummer in.", "Kies de maatregel.", "Kies de urgentie.", "Kies de zorgvorm.", "Vul de geboortemaand in",
                     "Kies het gender.", "Vul het postcodegebied in.", "Kies de gemeente waar het kind woont." })
            Assert.Contains(message, emptyPage);
        Assert.Contains("value=\"GI-HALF-7\"", halfPage);
        Assert.DoesNotContain("Kies de urgentie.", halfPage);
        Assert.Equal(before, await market.ScalarAsync<long>("SELECT count(*) FROM requests"));
    }
}
