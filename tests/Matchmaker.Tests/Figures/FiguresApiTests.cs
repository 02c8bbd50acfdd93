using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Figures;

/// <summary>
/// The figures API for systems (issue 22, item 4): the very tables of /gemeente and /landelijk, from the same daily
/// snapshot, behind the figures:read scope; a municipality's token sees only its own region; bad input is a 400 or 404.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed partial class FiguresApiTests(SharedMarket markets)
{
    private const string Shortage = "/api/v1/figures/regions/" + MarketScenario.Region + "/shortage";
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheApisShortageTables_EqualThePagesTables_AsJson_AsCsvByteForByte_AndCellForCellOnThePage(string provider)
    {
        var market = await markets.ForAsync(provider);
        var person = await FiguresTokens.PersonAsync(market, "municipality");
        var system = await FiguresTokens.SystemAsync(market, "municipality", MarketScenario.Region, "figures:read");

        var apiJson = JsonNode.Parse(await system.GetStringAsync(Shortage))!;
        var pageJson = JsonNode.Parse(await person.GetStringAsync("/gemeente?handler=Json"))!;
        var apiCsv = await system.GetAsync($"{Shortage}/export");
        var apiCsvBytes = await apiCsv.Content.ReadAsByteArrayAsync();
        var pageCsvBytes = await person.GetByteArrayAsync("/gemeente?handler=Csv");
        var page = await person.GetStringAsync("/gemeente");

        Assert.True(JsonNode.DeepEquals(pageJson, apiJson), $"page {pageJson.ToJsonString()}\napi {apiJson.ToJsonString()}");
        Assert.Equal(pageCsvBytes, apiCsvBytes);
        foreach (var (code, _, _) in Web.Pages.Municipality.IndexModel.Tables)
            Assert.Equal(await person.GetByteArrayAsync($"/gemeente?handler=Csv&tabel={code}"), await system.GetByteArrayAsync($"{Shortage}/export?table={code}"));
        // Excel: a byte-order mark, only numbers or nothing in the number column, and the snapshot's day on every line and in the name.
        var day = (string)apiJson["snapshotDate"]!;
        var lines = Encoding.UTF8.GetString(apiCsvBytes.AsSpan(3)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(';')).ToList();
        Assert.Equal(ByteOrderMark, apiCsvBytes[..3]);
        Assert.Equal("onderdeel;zorgvorm;kenmerk;aantal;verborgen;stand", string.Join(';', lines[0]));
        Assert.All(lines.Skip(1), cells => Assert.Equal((cells[3] == "" ? "ja" : "nee", day), (cells[4], cells[5])));
        Assert.All(lines.Skip(1), cells => Assert.True(cells[3] == "" || int.TryParse(cells[3], NumberStyles.None, CultureInfo.InvariantCulture, out _), cells[3]));
        Assert.Contains(lines, cells => cells[4] == "ja");
        Assert.Contains(day, apiCsv.Content.Headers.ContentDisposition!.FileName);
        // The page's waiting table shows the API's cells, hidden alike, and every table says which day it stands on.
        var table = page[page.IndexOf("id=\"waiting\"", StringComparison.Ordinal)..page.IndexOf("</table>", page.IndexOf("id=\"waiting\"", StringComparison.Ordinal), StringComparison.Ordinal)];
        var expected = apiJson["waiting"]!.AsArray().SelectMany(row => row!["byAgeBand"]!.AsArray().Select(band => band!["count"])
            .Concat([row["total"], row["overFiveWorkingDays"], row["overSixWeeks"], row["overThreeMonths"]]).Select(Cell)
            .Append(row["medianWaitingDays"]?.ToJsonString() ?? "–").Append(row["freeUnits"]!.ToJsonString())).ToList();
        Assert.Equal(expected, NumberCells().Matches(table).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList());
        var date = DateOnly.Parse(day, CultureInfo.InvariantCulture);
        string[] months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];
        var stand = $"Stand van {date.Day} {months[date.Month - 1]} {date.Year}";
        Assert.Equal(Captions().Matches(page).Count, Captions().Matches(page).Count(c => c.Value.Contains(stand, StringComparison.Ordinal)));
        Assert.True(Captions().Matches(page).Count >= 6);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheApisNationalTable_EqualsThePagesTable_ForAllCareTypesAndForOne(string provider)
    {
        var market = await markets.ForAsync(provider);
        var person = await FiguresTokens.PersonAsync(market, "national");
        var system = await FiguresTokens.SystemAsync(market, "national", null, "figures:read");

        foreach (var (page, api) in new[] { ("/landelijk", "/api/v1/figures/national"), ("/landelijk?zorgvorm=gezinshuis", "/api/v1/figures/national?careType=gezinshuis") })
        {
            var join = page.Contains('?') ? '&' : '?';
            var apiJson = JsonNode.Parse(await system.GetStringAsync(api))!;
            var pageJson = JsonNode.Parse(await person.GetStringAsync($"{page}{join}handler=Json"))!;
            var apiCsv = await system.GetByteArrayAsync(api.Replace("/national", "/national/export"));
            var pageCsv = await person.GetByteArrayAsync($"{page}{join}handler=Csv");
            var html = await person.GetStringAsync(page);

            Assert.True(JsonNode.DeepEquals(pageJson, apiJson), $"page {pageJson.ToJsonString()}\napi {apiJson.ToJsonString()}");
            Assert.Equal(pageCsv, apiCsv);
            Assert.Equal(ByteOrderMark, apiCsv[..3]);
            var rows = apiJson["regions"]!.AsArray().Append(apiJson["total"]).ToList();
            var table = html[html.IndexOf("<table", StringComparison.Ordinal)..html.IndexOf("</table>", StringComparison.Ordinal)];
            // Per row the columns the JSON has too; counts with Dutch thousands separators.
            var shown = table.Split("<tr class=\"utrecht-table__row").Skip(2)
                .Select(row => new[] { "wachtend", "over-norm", "vrij", "buiten-regio" }.Select(column => ColumnCell(row, column).Replace(".", "")).ToArray()).ToList();
            Assert.Equal(rows.Select(r => new[] { Cell(r!["waiting"]), Cell(r["overThreeMonths"]), r["freeUnits"]!.ToJsonString(), Cell(r["placedOutsideRegion12Months"]) }), shown);
            Assert.Contains("Stand van ", Captions().Match(html).Value);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ATokenWithoutFiguresRead_Gets403_AnotherRegion404_AndAnotherRoleIsRefused(string provider)
    {
        var market = await markets.ForAsync(provider);
        var withoutScope = await FiguresTokens.SystemAsync(market, "municipality", MarketScenario.Region, "events:read");
        var otherMunicipality = await FiguresTokens.SystemAsync(market, "municipality", MarketScenario.OtherRegion, "figures:read");
        var nationalWithoutScope = await FiguresTokens.SystemAsync(market, "national", null, "audit:read");
        var national = await FiguresTokens.SystemAsync(market, "national", null, "figures:read");
        var municipality = await FiguresTokens.SystemAsync(market, "municipality", MarketScenario.Region, "figures:read");

        Assert.Equal(HttpStatusCode.Forbidden, (await withoutScope.GetAsync(Shortage)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await withoutScope.GetAsync($"{Shortage}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await nationalWithoutScope.GetAsync("/api/v1/figures/national")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await nationalWithoutScope.GetAsync("/api/v1/figures/national/export")).StatusCode);
        var foreign = await otherMunicipality.GetAsync(Shortage);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.DoesNotContain("waiting", await foreign.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await otherMunicipality.GetAsync($"{Shortage}/export")).StatusCode);
        // Each role reads its own figures only: a municipality not the national table, the nation not one region's page.
        Assert.Equal(HttpStatusCode.Forbidden, (await municipality.GetAsync("/api/v1/figures/national")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await national.GetAsync(Shortage)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await market.Desk.GetAsync(Shortage)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await market.App.CreateClient().GetAsync(Shortage)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await municipality.GetAsync(Shortage)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await national.GetAsync("/api/v1/figures/national")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BadInput_GetsAClear400Or404_NeverA500(string provider)
    {
        var market = await markets.ForAsync(provider);
        var municipality = await FiguresTokens.SystemAsync(market, "municipality", MarketScenario.Region, "figures:read");
        var national = await FiguresTokens.SystemAsync(market, "national", null, "figures:read");

        var badTables = await Task.WhenAll(new[] { "bestaat-niet", "%00", "WACHTEND", new string('x', 3000) }
            .Select(table => municipality.GetAsync($"{Shortage}/export?table={table}")));
        var badCareTypes = await Task.WhenAll(new[] { "bogus", "%27%3B--", "Gezinshuis", new string('9', 3000) }
            .SelectMany(careType => new[] { $"/api/v1/figures/national?careType={careType}", $"/api/v1/figures/national/export?careType={careType}" })
            .Select(path => national.GetAsync(path)));
        var unknownRegions = await Task.WhenAll(new[] { "bestaat-niet", "%2e%2e", "RIJNMOND", new string('r', 300) }
            .Select(code => municipality.GetAsync($"/api/v1/figures/regions/{code}/shortage")));

        Assert.All(badTables, response => Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode));
        Assert.Contains("\"table\"", await badTables[0].Content.ReadAsStringAsync());
        Assert.All(badCareTypes, response => Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode));
        Assert.Contains("\"careType\"", await badCareTypes[0].Content.ReadAsStringAsync());
        Assert.All(unknownRegions, response => Assert.Equal(HttpStatusCode.NotFound, response.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await municipality.GetAsync($"{Shortage}/export?table=")).StatusCode);
    }

    private static string Cell(JsonNode? count) => count is null ? "x" : count.ToJsonString();

    private static string ColumnCell(string row, string column) =>
        Regex.Match(row, $"""<td class="utrecht-table__cell number" data-column="{column}">([^<]*)</td>""").Groups[1].Value;

    [GeneratedRegex("""<td class="utrecht-table__cell number">([^<]*)</td>""")]
    private static partial Regex NumberCells();

    [GeneratedRegex("""<caption class="utrecht-table__caption">.*?</caption>""")]
    private static partial Regex Captions();
}
