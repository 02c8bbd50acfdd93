using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Disclosure;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed partial class ShortageFiguresTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMunicipality_GetsAggregatesOnly_AsCsv_WithSmallCountsHidden(string provider)
    {
        var app = (await markets.ForAsync(provider)).App;
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsDemoAsync(client, "rijnmond", "municipality");

        var page = await client.GetAsync("/gemeente");
        var csv = await client.GetStringAsync("/gemeente?handler=Csv");
        var deskPage = await client.GetAsync("/tafel");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("onderdeel;zorgvorm;kenmerk;aantal;verborgen;stand", lines[0].TrimStart('\uFEFF'));
        Assert.Contains(lines, l => l.StartsWith("wachtend;", StringComparison.Ordinal) && l.Contains(";totaal;"));
        Assert.Contains(lines, l => l.StartsWith("trend;", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), l =>
        {
            var (count, hidden) = (l.Split(';')[3], l.Split(';')[4]);
            Assert.Equal(count == "" ? "ja" : "nee", hidden);
            Assert.True(count == "" || (int.TryParse(count, out var n) && (n == 0 || n >= 5 || l.Contains("mediaan") || l.StartsWith("vrij;", StringComparison.Ordinal))),
                $"a count between 1 and 4 is shown: {l}");
        });
        Assert.DoesNotContain("RIJ-", csv);
        // The JSON download hides the very cells the CSV hides.
        var json = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/gemeente?handler=Json");
        var hiddenInJson = json.GetProperty("waiting").EnumerateArray().Sum(row =>
            row.GetProperty("byAgeBand").EnumerateArray().Count(b => b.GetProperty("count").ValueKind == System.Text.Json.JsonValueKind.Null)
            + (row.GetProperty("total").ValueKind == System.Text.Json.JsonValueKind.Null ? 1 : 0)
            + new[] { "overFiveWorkingDays", "overSixWeeks", "overThreeMonths" }.Count(norm => row.GetProperty(norm).ValueKind == System.Text.Json.JsonValueKind.Null));
        Assert.Equal(lines.Select(l => l.Split(';')).Count(c => c[0] == "wachtend" && c[4] == "ja" && c[2] != "mediaan wachtdagen"), hiddenInJson);
        Assert.Equal(HttpStatusCode.Redirect, deskPage.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryTable_HasItsOwnDownload_WithExactlyItsLinesOfTheWholeDownload_AndAnUnknownTableIsRefused(string provider)
    {
        var app = (await markets.ForAsync(provider)).App;
        var client = app.CreateClient();
        await SignIn.AsDemoAsync(client, "rijnmond", "municipality");
        var whole = (await client.GetStringAsync("/gemeente?handler=Csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var fromTables = new List<string>();
        foreach (var (code, _, parts) in Web.Pages.Municipality.IndexModel.Tables)
        {
            var table = (await client.GetStringAsync($"/gemeente?handler=Csv&tabel={code}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(whole[0], table[0]);
            Assert.All(table.Skip(1), line => Assert.Contains(line.Split(';')[0], parts));
            fromTables.AddRange(table.Skip(1));
        }
        var unknown = await client.GetAsync("/gemeente?handler=Csv&tabel=bestaat-niet");

        Assert.Equal(whole.Skip(1).Order(StringComparer.Ordinal), fromTables.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("tabel", await unknown.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task NoRegionsPublishedFigures_LetASmallCountBeCalculatedBack(string provider)
    {
        var app = (await markets.ForAsync(provider)).App;
        var attacked = 0;
        var hiddenCells = 0;
        foreach (var region in DemoRegions.All)
        {
            var client = app.CreateClient();
            await SignIn.AsDemoAsync(client, region.Code, "municipality");
            var csv = await client.GetStringAsync("/gemeente?handler=Csv");
            var page = await client.GetStringAsync("/gemeente");
            var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).Select(l => l.Split(';')).ToList();

            var attack = new SubtractionAttack();
            var waiting = rows.Where(r => r[0] == "wachtend" && (r[2].StartsWith("leeftijd ", StringComparison.Ordinal) || r[2] == "totaal")).ToList();
            foreach (var r in waiting) attack.Cell($"{r[1]}/{r[2]}", Published(r[3]));
            foreach (var careType in waiting.Select(r => r[1]).Distinct())
                attack.Sum($"{careType}/totaal", waiting.Where(r => r[1] == careType && r[2] != "totaal").Select(r => $"{r[1]}/{r[2]}").ToArray());
            var trend = rows.Where(r => r[0] == "trend").ToList();
            foreach (var r in trend) attack.Cell(r[2], Published(r[3]));
            attack.Sum(trend[^1][2], waiting.Select(r => r[1]).Distinct().Select(c => $"{c}/totaal").ToArray());
            // The 12-month trend: each month's care types add up to its total, and its last month is now (the same children as the table).
            var monthly = rows.Where(r => r[0] == "trend per maand").ToList();
            foreach (var r in monthly) attack.Cell($"maand/{r[1]}/{r[2]}", Published(r[3]));
            foreach (var month in monthly.Select(r => r[2]).Distinct())
                attack.Sum($"maand//{month}", monthly.Where(r => r[2] == month && r[1] != "").Select(r => $"maand/{r[1]}/{r[2]}").ToArray());
            attack.Sum($"maand//{monthly[^1][2]}", waiting.Select(r => r[1]).Distinct().Select(c => $"{c}/totaal").ToArray());
            foreach (var careType in waiting.Select(r => r[1]).Distinct().Where(c => monthly.Any(r => r[1] == c)))
                attack.Sum($"{careType}/totaal", $"maand/{careType}/{monthly[^1][2]}");
            // Per municipality: the municipalities add up to the totals, and the total past the norm is the care types' too.
            var homes = rows.Where(r => r[0] is "wachtend per gemeente" or "over 3-maandennorm per gemeente").ToList();
            foreach (var r in homes) attack.Cell($"{r[0]}/{r[2]}", Published(r[3]));
            foreach (var part in new[] { "wachtend per gemeente", "over 3-maandennorm per gemeente" })
                attack.Sum($"{part}/totaal", homes.Where(r => r[0] == part && r[2] != "totaal").Select(r => $"{part}/{r[2]}").ToArray());
            attack.Sum(trend[^1][2], "wachtend per gemeente/totaal");
            var overNorm = rows.Where(r => r[0] == "wachtend" && r[2] == "over 3-maandennorm").ToList();
            foreach (var r in overNorm) attack.Cell($"{r[1]}/over", Published(r[3]));
            attack.Sum("over 3-maandennorm per gemeente/totaal", overNorm.Select(r => $"{r[1]}/over").ToArray());
            // Why children were not placed: each reason's care types add up to the reason's total.
            var causes = rows.Where(r => r[0] == "niet geplaatst").ToList();
            foreach (var r in causes) attack.Cell($"oorzaak/{r[1]}/{r[2]}", Published(r[3]));
            foreach (var reason in causes.Where(r => r[1] == "").Select(r => r[2]))
                attack.Sum($"oorzaak//{reason}", causes.Where(r => r[2] == reason && r[1] != "").Select(r => $"oorzaak/{r[1]}/{r[2]}").ToArray());

            Assert.Empty(attack.SmallCountsFound().Select(f => $"{region.Code}: {f.What} {f.Value}"));
            Assert.All(rows, r => Assert.False(r[3] is "1" or "2" or "3" or "4" && r[0] is not "vrij" && !r[2].StartsWith("mediaan", StringComparison.Ordinal),
                $"{region.Code}: {string.Join(';', r)}"));
            // The page shows the very cells of the download: what is hidden in one is hidden in the other.
            var table = page.IndexOf("id=\"waiting\"", StringComparison.Ordinal);
            var tableCells = WaitingCells().Matches(page[table..page.IndexOf("</table>", table, StringComparison.Ordinal)]).Select(m => m.Groups[1].Value).ToList();
            var csvCells = rows.Count(r => r[0] == "wachtend" && r[4] == "ja" && r[2] != "mediaan wachtdagen");
            Assert.Equal(csvCells, tableCells.Count(v => v == "x"));
            attacked++;
            hiddenCells += csvCells;
        }
        Assert.Equal(DemoRegions.All.Count, attacked);
        Assert.True(hiddenCells > 20, $"the small demo data should hide many cells; it hid {hiddenCells}");
    }

    private static long? Published(string cell) => cell == "" ? null : long.Parse(cell.Replace(".", ""), System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("""<td class="utrecht-table__cell number">([^<]*)</td>""")]
    private static partial Regex WaitingCells();
}
