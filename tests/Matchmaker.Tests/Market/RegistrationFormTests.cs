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

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ADateThatDoesNotExistOrADistanceThatIsNoNumber_IsRefusedBesideItsField_AndNeitherARegistrationNorAnEditIsSaved(string provider)
    {
        var market = await markets.ForAsync(provider);
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");
        var municipality = await market.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @region ORDER BY name", new { region = MarketScenario.Region });
        var child = await market.ScalarAsync<Guid>("SELECT id FROM requests WHERE region_code = @region AND status = 'open' ORDER BY id LIMIT 1", new { region = MarketScenario.Region });
        var before = await market.ScalarAsync<string>("SELECT " + Row + " FROM requests WHERE id = @child", new { child });
        var reference = $"RIJ-ODD-{Guid.NewGuid():N}"[..16];

        var answers = new List<(string Field, HttpResponseMessage Answer)>();
        foreach (var (field, odd) in new[] { ("maxDistanceKm", "abc"), ("maxDistanceKm", "99999999999999999999"), ("maxDistanceKm", "-5"), ("measureStart", "2026-02-30"),
            ("measureStart", "03-04-2026"), ("maxDistanceKm", ""), ("measureStart", "") })
        {
            // What a browser sends for a number or date it cannot read is an empty field: refused on an edit, which keeps empty fields.
            var editOnly = odd == "";
            var fields = WholeForm(reference, municipality);
            fields[field == "maxDistanceKm" ? "Form.MaxDistanceKm" : "Form.MeasureStart"] = odd;
            fields["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await desk.GetStringAsync("/tafel/aanvraag"));
            if (!editOnly) answers.Add((field, await desk.PostAsync("/tafel/aanvraag", new FormUrlEncodedContent(fields))));
            fields["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await desk.GetStringAsync($"/tafel/aanvraag/{child}"));
            answers.Add((field, await desk.PostAsync($"/tafel/aanvraag/{child}", new FormUrlEncodedContent(fields))));
        }

        foreach (var (field, answer) in answers)
        {
            var page = await answer.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains($"href=\"#{field}\"", page);
        }
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE case_reference = @reference", new { reference }));
        Assert.Equal(before, await market.ScalarAsync<string>("SELECT " + Row + " FROM requests WHERE id = @child", new { child }));
    }

    private const string Row = "case_reference || '|' || measure_start || '|' || max_distance_km || '|' || version";

    private static Dictionary<string, string> WholeForm(string caseReference, Guid municipality) => new()
    {
        ["Form.CaseReference"] = caseReference, ["Form.MeasureType"] = "ots", ["Form.MeasureStart"] = MarketScenario.InDays(-20),
        ["Form.Urgency"] = "urgent", ["Form.CareType"] = "foster-long", ["Form.BirthMonth"] = DateTime.UtcNow.AddYears(-9).ToString("yyyy-MM"),
        ["Form.Gender"] = "f", ["Form.HomePc4"] = "3011", ["Form.Municipality"] = municipality.ToString(), ["Form.MaxDistanceKm"] = "40",
    };
}
