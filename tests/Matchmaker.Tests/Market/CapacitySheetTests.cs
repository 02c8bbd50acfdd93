using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Security;

namespace Matchmaker.Tests.Market;

/// <summary>A small provider edits its figures in a spreadsheet: a preview shows every change and refusal and changes nothing; applying takes all or none.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFormsCollection.Name)]
public sealed partial class CapacitySheetTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnUploadedSheet_IsPreviewedWithoutChangingAnything_ThenAppliedExactlyAsShown(string provider)
    {
        var market = await markets.ForAsync(provider);
        var first = await market.OfferingWithFreeUnitsAsync(free: 3);
        var other = await market.OfferingWithFreeUnitsAsync(free: 1, market.OtherProvider);
        var browser = await People.SignedInAsync(market, Silo.Access.Roles.Provider, MarketScenario.Region);
        var sheet = await browser.GetStringAsync("/aanbieder/bestand?handler=Csv");
        var lines = sheet.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var firstLine = lines.FindIndex(l => l.StartsWith(first.Id.ToString()));
        var cells = lines[firstLine].Split(';');
        cells[3] = (first.TotalUnits + 2).ToString();
        lines[firstLine] = string.Join(';', cells);
        var secondLine = firstLine == 1 ? 2 : 1;
        var second = lines[secondLine].Split(';');
        second[4] = (int.Parse(second[3]) + 1).ToString();
        lines[secondLine] = string.Join(';', second);
        lines.Add($"{other.Id};Elders;x;9;0;0;");
        lines.Add($"{Guid.NewGuid()};Nergens;x;9;0;0;");
        lines.Add($"{first.Id};Dubbel;x;9;0;0;");
        var versionsBefore = await market.ScalarAsync<long>("SELECT sum(version) FROM offerings");

        var preview = await UploadAsync(browser, string.Join('\n', lines));
        var versionsAfterPreview = await market.ScalarAsync<long>("SELECT sum(version) FROM offerings");
        var plan = WebUtility.HtmlDecode(PlanInput().Match(preview).Groups[1].Value);
        var apply = await PostAsync(browser, "Apply", new Dictionary<string, string> { ["plan"] = plan });

        Assert.Equal("Aanbodnummer (niet wijzigen);Locatie;Zorgvorm;Totaal;Bezet;In behandeling;Eerste startdatum", lines[0]);
        Assert.Equal(Matchmaker.Matching.CareTypes.DutchName(first.CareType), cells[2]);
        Assert.Single(ChangeRow().Matches(preview));
        Assert.Equal(4, RefusedRow().Matches(preview).Count);
        Assert.Equal(versionsBefore, versionsAfterPreview);
        Assert.Equal(HttpStatusCode.Redirect, apply.StatusCode);
        Assert.Equal(first.TotalUnits + 2, (await market.FactsAsync(first.Id)).TotalUnits);
        Assert.Equal(other.TotalUnits, (await market.FactsAsync(other.Id)).TotalUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task APreviewThatWentStale_AppliesNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var first = await market.OfferingWithFreeUnitsAsync(free: 3);
        var browser = await People.SignedInAsync(market, Silo.Access.Roles.Provider, MarketScenario.Region);
        var sheet = (await browser.GetStringAsync("/aanbieder/bestand?handler=Csv")).TrimStart('\uFEFF');
        var edited = Regex.Replace(sheet, $"^({first.Id};[^;\\n]*;[^;\\n]*;){first.TotalUnits};", m => $"{m.Groups[1].Value}{first.TotalUnits + 5};", RegexOptions.Multiline);
        var preview = await UploadAsync(browser, edited);
        var plan = WebUtility.HtmlDecode(PlanInput().Match(preview).Groups[1].Value);

        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(first, "SHEET-0001"));
        (await market.Desk.PostAsync($"/api/v1/offerings/{first.Id}/holds",
            new StringContent($"{{\"requestId\":\"{requestId}\"}}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var apply = await PostAsync(browser, "Apply", new Dictionary<string, string> { ["plan"] = plan });

        Assert.Single(ChangeRow().Matches(preview));
        Assert.Equal(HttpStatusCode.OK, apply.StatusCode);
        Assert.Contains("Er is niets toegepast", await apply.Content.ReadAsStringAsync());
        Assert.Equal(first.TotalUnits, (await market.FactsAsync(first.Id)).TotalUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMegabyteOfJunkLines_ListsTheFirstHundredRefusedRows_CountsTheRest_AndChangesNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var browser = await People.SignedInAsync(market, Silo.Access.Roles.Provider, MarketScenario.Region);
        var header = (await browser.GetStringAsync("/aanbieder/bestand?handler=Csv")).TrimStart('\uFEFF').Split('\n')[0];
        var junk = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"\n{i:00000};junk;junk;junk;junk;junk;junk;junk;junk;junk"));
        var versionsBefore = await market.ScalarAsync<long>("SELECT sum(version) FROM offerings");

        var preview = await UploadAsync(browser, header + junk);

        Assert.Equal(Silo.Offerings.CapacitySheet.MaxRefusalsListed, RefusedRow().Matches(preview).Count);
        Assert.Contains("20.000 regel(s) niet mogelijk", preview);
        Assert.Contains("Nog 19.900 regel(s) kunnen niet", preview);
        Assert.True(preview.Length < 200_000, $"the preview is {preview.Length} characters");
        Assert.Equal(versionsBefore, await market.ScalarAsync<long>("SELECT sum(version) FROM offerings"));
    }

    internal static async Task<string> UploadAsync(HttpClient browser, string csv)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(await People.AntiforgeryTokenAsync(browser)), "__RequestVerificationToken");
        var file = new StringContent(csv, Encoding.UTF8);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "plekken.csv");
        var response = await browser.PostAsync("/aanbieder/bestand?handler=Preview", form);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string handler, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = await People.AntiforgeryTokenAsync(browser);
        return await browser.PostAsync($"/aanbieder/bestand?handler={handler}", new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("data-change=")]
    private static partial Regex ChangeRow();

    [GeneratedRegex("data-refused=")]
    private static partial Regex RefusedRow();

    [GeneratedRegex("name=\"plan\" value=\"([^\"]*)\"")]
    internal static partial Regex PlanInput();
}
