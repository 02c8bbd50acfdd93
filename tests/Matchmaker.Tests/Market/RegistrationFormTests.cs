using System.Net;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFormsCollection.Name)]
public sealed class RegistrationFormTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnEmptyOrHalfFilledRegistration_ShowsEveryErrorAtOnce_LinkedToItsField_AndKeepsWhatWasTyped(string provider)
    {
        var market = await markets.ForAsync(provider);
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");
        var form = await desk.GetStringAsync("/tafel/aanvraag");
        var token = SignIn.AntiforgeryToken(form);

        var empty = await desk.PostAsync("/tafel/aanvraag", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        var emptyPage = await empty.Content.ReadAsStringAsync();
        var half = await desk.PostAsync("/tafel/aanvraag", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Form.CaseReference"] = "RIJ-HALF-0001", ["Form.Urgency"] = "urgent", ["Form.ChildWishes"] = "Bij zijn zus",
        }));
        var halfPage = await half.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        foreach (var field in new[] { "caseReference", "measureType", "measureStart", "urgency", "careType", "birthMonth", "gender", "municipality" })
            Assert.Contains($"href=\"#{field}\"", emptyPage);
        // One message per field: an empty start date is only "fill it in", the municipality one sentence without field codes.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(emptyPage, "href=\"#measureStart\""));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(emptyPage, "href=\"#municipality\""));
        Assert.DoesNotContain("ontbreekt", emptyPage);
        Assert.DoesNotContain("homeLon", emptyPage);
        Assert.Equal(HttpStatusCode.OK, half.StatusCode);
        Assert.Contains("value=\"RIJ-HALF-0001\"", halfPage);
        Assert.Contains("Bij zijn zus", halfPage);
        Assert.DoesNotContain("href=\"#caseReference\"", halfPage);
        Assert.Contains("href=\"#measureType\"", halfPage);
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE case_reference = 'RIJ-HALF-0001'"));
    }
}
