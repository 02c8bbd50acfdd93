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

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoDeskWorkersEditingOneRequest_TheSecondIsToldItChanged_AndDoesNotUndoTheFirstsChange(string provider)
    {
        var market = await markets.ForAsync(provider);
        var first = market.App.CreateClient();
        var second = market.App.CreateClient();
        await SignIn.AsDemoAsync(first, MarketScenario.Region, "desk");
        await SignIn.AsDemoAsync(second, MarketScenario.Region, "desk");
        // 3011 lies in Rotterdam: a registration that is saved.
        var municipality = await market.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @region AND name = 'Rotterdam'", new { region = MarketScenario.Region });
        var reference = $"RIJ-TWO-{Guid.NewGuid():N}"[..16];
        var registration = WholeForm(reference, municipality);
        registration["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await first.GetStringAsync("/tafel/aanvraag"));
        Assert.Equal("/tafel", Landed(await first.PostAsync("/tafel/aanvraag", new FormUrlEncodedContent(registration))));
        var child = await market.ScalarAsync<Guid>("SELECT id FROM requests WHERE case_reference = @reference", new { reference });
        var path = $"/tafel/aanvraag/{child}";
        var firstForm = await first.GetStringAsync(path);
        var secondForm = await second.GetStringAsync(path);

        var crisis = Edit(WholeForm(reference, municipality), firstForm, ("Form.Urgency", "crisis"));
        var firstAnswer = await first.PostAsync(path, new FormUrlEncodedContent(crisis));
        var wishes = Edit(WholeForm(reference, municipality), secondForm, ("Form.ChildWishes", "Dicht bij school"));
        var secondAnswer = await second.PostAsync(path, new FormUrlEncodedContent(wishes));
        var secondPage = await secondAnswer.Content.ReadAsStringAsync();
        var afterConflict = await market.ScalarAsync<string>("SELECT " + EditedRow, new { child });
        var withoutTag = Edit(WholeForm(reference, municipality), secondForm, ("Form.ChildWishes", "Dicht bij school"));
        withoutTag.Remove("Form.EditTag");
        var withoutTagPage = await (await second.PostAsync(path, new FormUrlEncodedContent(withoutTag))).Content.ReadAsStringAsync();
        var reopened = await second.GetStringAsync(path);
        var again = Edit(WholeForm(reference, municipality), reopened, ("Form.Urgency", "crisis"), ("Form.ChildWishes", "Dicht bij school"));
        var againAnswer = await second.PostAsync(path, new FormUrlEncodedContent(again));

        Assert.Equal("/tafel", Landed(firstAnswer));
        Assert.Equal(path, Landed(secondAnswer));
        Assert.Contains("Iemand anders heeft deze aanvraag gewijzigd", secondPage);
        Assert.Contains($"href=\"{path}\"", secondPage);
        Assert.Contains("Dicht bij school", secondPage);
        Assert.Equal("crisis||2", afterConflict);
        Assert.Contains("niet volledig aangekomen", withoutTagPage);
        Assert.Equal("/tafel", Landed(againAnswer));
        Assert.Equal("crisis|Dicht bij school|3", await market.ScalarAsync<string>("SELECT " + EditedRow, new { child }));
    }

    private const string EditedRow = "urgency || '|' || coalesce(child_wishes, '') || '|' || version FROM requests WHERE id = @child";

    /// <summary>Where a post ended: the desk's overview after a save (the client follows the redirect), the form itself when refused.</summary>
    private static string Landed(HttpResponseMessage answer) =>
        answer.StatusCode == HttpStatusCode.OK ? answer.RequestMessage!.RequestUri!.AbsolutePath : $"status {(int)answer.StatusCode}";

    /// <summary>The whole form as the page at <paramref name="page"/> would post it: its token and edit tag, with the given changes.</summary>
    private static Dictionary<string, string> Edit(Dictionary<string, string> fields, string page, params (string Field, string Value)[] changes)
    {
        fields["__RequestVerificationToken"] = SignIn.AntiforgeryToken(page);
        fields["Form.EditTag"] = System.Text.RegularExpressions.Regex.Match(page, "name=\"Form.EditTag\" value=\"([0-9a-f]+)\"").Groups[1].Value;
        foreach (var (field, value) in changes) fields[field] = value;
        return fields;
    }

    private const string Row = "case_reference || '|' || measure_start || '|' || max_distance_km || '|' || version";

    private static Dictionary<string, string> WholeForm(string caseReference, Guid municipality) => new()
    {
        ["Form.CaseReference"] = caseReference, ["Form.MeasureType"] = "ots", ["Form.MeasureStart"] = MarketScenario.InDays(-20),
        ["Form.Urgency"] = "urgent", ["Form.CareType"] = "foster-long", ["Form.BirthMonth"] = DateTime.UtcNow.AddYears(-9).ToString("yyyy-MM"),
        ["Form.Gender"] = "f", ["Form.HomePc4"] = "3011", ["Form.Municipality"] = municipality.ToString(), ["Form.MaxDistanceKm"] = "40",
    };
}
