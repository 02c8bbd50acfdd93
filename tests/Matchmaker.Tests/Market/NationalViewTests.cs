using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Matchmaker.Matching;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Disclosure;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed partial class NationalViewTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheNationalUser_SeesEveryRegionSideBySide_ForEveryCareType_AndNoHiddenCountFollowsFromTheTotals(string provider)
    {
        var market = await markets.ForAsync(provider);
        var national = await NationalAsync(market);
        var hidden = 0;
        // One attacker holding every table of the day: each table's totals, and a region's row over all care types as
        // the sum of its rows per care type.
        var attack = new SubtractionAttack();
        var careTypes = CareTypes.All.Order(StringComparer.Ordinal).ToList();
        List<string> names = [];

        foreach (var careType in careTypes.Prepend(""))
        {
            var csv = await national.GetStringAsync($"/landelijk?handler=Csv&zorgvorm={careType}");
            var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).Select(l => l.Split(';')).ToList();
            var regions = rows.Where(r => r[1] != "").ToList();
            names = [.. rows.Select(r => r[0])];
            foreach (var column in new[] { 3, 4, 6 })
            {
                foreach (var row in rows) attack.Cell($"{careType}/{row[0]}/{column}", Published(row[column]));
                attack.Sum($"{careType}/Nederland/{column}", regions.Select(r => $"{careType}/{r[0]}/{column}").ToArray());
            }

            Assert.Equal(DemoRegions.All.Count, regions.Count);
            Assert.Equal("Nederland", rows[^1][0]);
            Assert.All(rows, r => Assert.False(new[] { r[3], r[4], r[6] }.Any(c => c is "1" or "2" or "3" or "4"), string.Join(';', r)));
            Assert.Equal(regions.Sum(r => int.Parse(r[5])), int.Parse(rows[^1][5]));
            Assert.All(rows, r => Assert.Equal(new[] { r[3], r[4], r[6] }.Select(c => c == "" ? "ja" : "nee"), new[] { r[7], r[8], r[9] }));
            hidden += rows.Sum(r => new[] { r[3], r[4], r[6] }.Count(c => c == ""));
        }
        foreach (var name in names)
            foreach (var column in new[] { 3, 4, 6 })
                attack.Sum($"/{name}/{column}", careTypes.Select(careType => $"{careType}/{name}/{column}").ToArray());
        // The 12-month trend (JSON and API): each month's country total is the sum of its regions, and the last month is now.
        var trend = JsonDocument.Parse(await national.GetStringAsync("/landelijk?handler=Json")).RootElement.GetProperty("monthlyTrend").EnumerateArray().ToList();
        var regionNames = JsonDocument.Parse(await national.GetStringAsync("/landelijk?handler=Json")).RootElement.GetProperty("regions").EnumerateArray()
            .ToDictionary(r => r.GetProperty("region").GetString()!, r => r.GetProperty("name").GetString()!);
        for (var m = 0; m < trend.Count; m++)
        {
            var byRegion = trend[m].GetProperty("byRegion").EnumerateArray().ToList();
            var last = m == trend.Count - 1;
            foreach (var cell in byRegion)
            {
                var name = regionNames[cell.GetProperty("region").GetString()!];
                var count = cell.GetProperty("count");
                // The last month is the waiting column itself (already in the attack as "/{name}/3").
                if (!last) attack.Cell($"month{m}/{name}", count.ValueKind == JsonValueKind.Null ? null : count.GetInt64());
                Assert.False(count.ValueKind == JsonValueKind.Number && count.GetInt32() is >= 1 and <= 4, $"month {m} {name}: {count}");
            }
            var total = trend[m].GetProperty("waiting");
            if (!last)
            {
                attack.Cell($"month{m}/Nederland", total.ValueKind == JsonValueKind.Null ? null : total.GetInt64());
                attack.Sum($"month{m}/Nederland", byRegion.Select(c => $"month{m}/{regionNames[c.GetProperty("region").GetString()!]}").ToArray());
            }
            hidden += byRegion.Count(c => c.GetProperty("count").ValueKind == JsonValueKind.Null);
        }
        Assert.Equal(12, trend.Count);

        Assert.Empty(attack.SmallCountsFound().Select(f => $"{f.What} {f.Value}"));
        var page = await national.GetStringAsync("/landelijk");
        Assert.Equal(DemoRegions.All.Count, MapDots().Matches(page).Count);
        Assert.Contains("id=\"national-trend\"", page);
        Assert.True(hidden > 0, "the care types with few children should hide some counts");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SortedByAColumn_TheShownCountsAreInOrder_AndEveryHiddenOneComesLastByName_WhateverItHides(string provider)
    {
        var market = await markets.ForAsync(provider);
        var national = await NationalAsync(market);

        var (shownSeen, hiddenSeen) = (0, 0);
        foreach (var (careType, order) in new[] { ("", "af"), ("", "op"), ("begeleide-omgang", "af"), ("begeleide-omgang", "op") })
        {
            var page = await national.GetStringAsync($"/landelijk?zorgvorm={careType}&sorteer=wachtend&volgorde={order}");
            var rows = RegionRows().Matches(page).Select(m => (Name: m.Groups[1].Value, Waiting: m.Groups[2].Value)).ToList();
            var shown = rows.TakeWhile(r => r.Waiting != "x").Select(r => int.Parse(r.Waiting.Replace(".", ""))).ToList();
            var hidden = rows.Skip(shown.Count).ToList();

            Assert.Equal(DemoRegions.All.Count, rows.Count);
            Assert.Equal(order == "af" ? shown.OrderDescending() : shown.Order(), shown);
            Assert.All(hidden, r => Assert.Equal("x", r.Waiting));
            Assert.Equal(hidden.Select(r => r.Name).Order(StringComparer.OrdinalIgnoreCase), hidden.Select(r => r.Name));
            Assert.Contains("aria-sort=\"" + (order == "af" ? "descending" : "ascending") + "\"", page);
            (shownSeen, hiddenSeen) = (shownSeen + shown.Count, hiddenSeen + hidden.Count);
        }
        Assert.True(shownSeen > 0 && hiddenSeen > 0, $"{shownSeen} shown and {hiddenSeen} hidden counts sorted: the test needs both");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CareTypesAreNamedInDutchInAddressesAndFileNames_AndAnAddressWithTheOldCodeStillWorks(string provider)
    {
        var market = await markets.ForAsync(provider);
        var national = await NationalAsync(market);

        var page = await national.GetStringAsync("/landelijk?zorgvorm=begeleide-omgang");
        var old = await national.GetStringAsync("/landelijk?zorgvorm=supervised-contact");
        var csv = await national.GetAsync("/landelijk?handler=Csv&zorgvorm=begeleide-omgang");

        Assert.Contains("Regio's naast elkaar: Begeleide omgang", page);
        Assert.Contains("Regio's naast elkaar: Begeleide omgang", old);
        Assert.Contains("href=\"/landelijk?handler=Csv&amp;zorgvorm=begeleide-omgang\"", page);
        Assert.DoesNotContain("supervised-contact", page);
        Assert.StartsWith("regios-begeleide-omgang-", csv.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnUnknownCareType_IsNamedBesideItsField_AndRefusedByTheDownloads(string provider)
    {
        var market = await markets.ForAsync(provider);
        var national = await NationalAsync(market);

        var page = await national.GetAsync("/landelijk?zorgvorm=bogus");
        var json = await national.GetAsync("/landelijk?handler=Json&zorgvorm=bogus");
        var csv = await national.GetAsync("/landelijk?handler=Csv&zorgvorm=bogus");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Kies een zorgvorm uit de lijst.", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        var problem = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty("zorgvorm", out _));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SharingPlacesAcrossRegions_NeverPlacesFewerChildren_ThanEveryRegionAlone(string provider)
    {
        var market = await markets.ForAsync(provider);
        var national = await NationalAsync(market);

        var page = await national.GetStringAsync("/landelijk/herverdeling");
        var start = page.IndexOf("id=\"pools\"", StringComparison.Ordinal);
        var table = page[start..page.IndexOf("</table>", start, StringComparison.Ordinal)];
        var placed = PoolRows().Matches(table).Select(m => int.Parse(m.Groups[1].Value.Replace(".", ""))).ToList();

        Assert.Equal(3, placed.Count);
        Assert.True(placed[0] <= placed[1] && placed[1] <= placed[2], $"placed alone, per network, nationally: {string.Join(", ", placed)}");
        Assert.Contains("id=\"headline\"", page);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheRematchPerRegion_AddsUpToEachPool_AndNoHiddenCountFollowsFromThePoolsTotals(string provider)
    {
        var market = await markets.ForAsync(provider);
        var national = await NationalAsync(market);

        var page = WebUtility.HtmlDecode(await national.GetStringAsync("/landelijk/herverdeling"));
        var pools = page[page.IndexOf("id=\"pools\"", StringComparison.Ordinal)..page.IndexOf("id=\"rematch-regions\"", StringComparison.Ordinal)];
        var poolCells = PoolTotals().Matches(pools).Select(m => m.Groups.Cast<Group>().Skip(1).Select(g => g.Value).ToArray()).ToList();
        var rows = RematchRegionRows().Matches(page).Select(m => m.Groups.Cast<Group>().Skip(1).Select(g => g.Value).ToArray()).ToList();
        var attack = new SubtractionAttack();
        static long? Number(string cell) => cell == "x" ? null : long.Parse(cell.TrimStart('+').Replace("−", "-").Replace(".", ""));
        for (var pool = 0; pool < 3; pool++)
        {
            attack.Cell($"placed/{pool}", Number(poolCells[pool][0]));
            attack.Cell($"outside/{pool}", Number(poolCells[pool][5]));
            attack.Sum($"placed/{pool}", rows.Select(r => $"placed/{pool}/{r[0]}").ToArray());
            attack.Sum($"outside/{pool}", rows.Select(r => $"outside/{pool}/{r[0]}").ToArray());
        }
        foreach (var row in rows)
        {
            var alone = Number(row[1]);
            attack.Cell($"placed/0/{row[0]}", alone);
            attack.Cell($"outside/0/{row[0]}", 0);
            for (var pool = 1; pool < 3; pool++)
            {
                // The page shows a pool's placed count as "extra" over the region alone: known when both are shown.
                var extra = Number(row[2 * pool]);
                attack.Cell($"placed/{pool}/{row[0]}", alone is { } a && extra is { } e ? a + e : null);
                attack.Cell($"outside/{pool}/{row[0]}", Number(row[2 * pool + 1]));
            }
            Assert.DoesNotContain(row.Skip(1), c => c is "1" or "2" or "3" or "4");
        }

        Assert.Equal(DemoRegions.All.Count, rows.Count);
        Assert.Empty(attack.SmallCountsFound().Select(f => $"{f.What} {f.Value}"));
    }

    private static async Task<HttpClient> NationalAsync(MarketScenario market)
    {
        var client = market.App.CreateClient();
        await SignIn.AsDemoAsync(client, MarketScenario.Region, "national");
        return client;
    }

    private static long? Published(string cell) => cell == "" ? null : long.Parse(cell.Replace(".", ""), System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("""<g class="tile tile-(\d|hidden|none)" data-region="[^"]+">""")]
    private static partial Regex MapDots();

    [GeneratedRegex("""</th>\s*<td class="utrecht-table__cell number">([0-9.]+)</td>""")]
    private static partial Regex PoolRows();

    [GeneratedRegex("""</span></th>\s*<td class="utrecht-table__cell number">([^<]+)</td>\s*<td class="utrecht-table__cell number">([^<]+)</td>\s*<td class="utrecht-table__cell number">([^<]+)</td>\s*<td class="utrecht-table__cell number">([^<]+)</td>\s*<td class="utrecht-table__cell number">([^<]+)</td>\s*<td class="utrecht-table__cell number">([^<]+)</td>""")]
    private static partial Regex PoolTotals();

    [GeneratedRegex("""<tr class="utrecht-table__row" data-region="[^"]+">\s*<th scope="row" class="utrecht-table__cell">([^<]+)</th>\s*<td class="utrecht-table__cell number">([^<]+)</td>\s*<td class="utrecht-table__cell number">([^<]+)</td>\s*<td class="utrecht-table__cell number">([^<]+)</td>\s*<td class="utrecht-table__cell number">([^<]+)</td>\s*<td class="utrecht-table__cell number">([^<]+)</td>""")]
    private static partial Regex RematchRegionRows();

    [GeneratedRegex("""<tr class="utrecht-table__row " data-region="[^"]+">\s*<td[^>]*>\d+</td>\s*<th scope="row" class="utrecht-table__cell">([^<]+)</th>\s*<td class="utrecht-table__cell number" data-column="wachtend">([^<]+)</td>""")]
    private static partial Regex RegionRows();
}
