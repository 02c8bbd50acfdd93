using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed partial class BoardTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheBoard_FindsAChildByCaseReference_FiltersByNorm_AndPagesFiftyAtATime(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        for (var i = 0; i < 55; i++) await market.RegisterAsync(MarketScenario.ChildFor(offering, $"BRD-{i:000}"));
        var late = JsonSerializer.SerializeToNode(MarketScenario.ChildFor(offering, "BRD-LATE", urgency: "regular"))!.AsObject();
        late["measureStart"] = DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(-4).ToString("yyyy-MM-dd");
        await market.RegisterAsync(late);
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");

        var firstPage = await desk.GetStringAsync("/tafel?zoek=brd-&sorteer=reference");
        var secondPage = await desk.GetStringAsync("/tafel?zoek=brd-&sorteer=reference&pagina=2");
        var overThreeMonths = await desk.GetStringAsync("/tafel?zoek=BRD-&norm=over-3-months");
        var one = await desk.GetStringAsync("/tafel?zoek=BRD-007");

        Assert.Contains("56 aanvragen, pagina 1 van 2", firstPage);
        Assert.Equal(50, Rows().Matches(firstPage).Count);
        Assert.Equal(6, Rows().Matches(secondPage).Count);
        Assert.Contains("BRD-LATE", secondPage);
        Assert.Equal("BRD-LATE", Assert.Single(Rows().Matches(overThreeMonths)).Groups[1].Value);
        Assert.Contains("dagen over de 3-maandennorm", overThreeMonths);
        Assert.Contains("verhoogd: langer dan 3 maanden wachtend", overThreeMonths);
        Assert.Equal("BRD-007", Assert.Single(Rows().Matches(one)).Groups[1].Value);
        // Only what a page shows is recorded as read, by request id (a case reference would outlive the request's retention).
        var shown = await market.ScalarAsync<Guid>("SELECT id FROM requests WHERE case_reference = 'BRD-007'");
        var audited = await market.ScalarAsync<string>(
            "SELECT detail FROM audit_log WHERE action = 'requests-listed' AND detail LIKE @shown ORDER BY id DESC LIMIT 1", new { shown = $"%{shown}%" });
        Assert.Equal(shown.ToString(), audited);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheBoard_FiltersByTheMunicipalityTheChildLivesIn_AndTheApiRefusesAMunicipalityOfAnotherRegion(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var here = await market.Database.QueryAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @region ORDER BY name", new { region = MarketScenario.Region });
        var elsewhere = await market.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @region ORDER BY name", new { region = MarketScenario.OtherRegion });
        foreach (var (reference, municipality) in new[] { ("GEM-A", here[0]), ("GEM-B", here[1]), ("GEM-C", here[0]) })
        {
            var child = JsonSerializer.SerializeToNode(MarketScenario.ChildFor(offering, reference))!.AsObject();
            child["municipalityId"] = municipality.ToString();
            await market.RegisterAsync(child);
        }
        var wrong = JsonSerializer.SerializeToNode(MarketScenario.ChildFor(offering, "GEM-WRONG"))!.AsObject();
        wrong["municipalityId"] = elsewhere.ToString();
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");

        var refused = await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests", wrong);
        var filtered = await desk.GetStringAsync($"/tafel?zoek=GEM-&gemeente={here[0]}");
        var unfiltered = await desk.GetStringAsync("/tafel?zoek=GEM-&sorteer=reference");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("municipalityId", out _));
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE case_reference = 'GEM-WRONG'"));
        Assert.Equal(["GEM-A", "GEM-C"], Rows().Matches(filtered).Select(m => m.Groups[1].Value).Order());
        Assert.Equal(3, Rows().Matches(unfiltered).Count);
        Assert.Contains($"<option value=\"{here[0]}\" selected=\"selected\"", filtered);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheTiles_CountEachWaitingChildAtTheLastNormItPassed(string provider)
    {
        var market = await markets.ForAsync(provider);
        var requests = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/regions/{MarketScenario.Region}/requests");
        var norms = requests.EnumerateArray().GroupBy(r => r.GetProperty("normStatus").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        var crisis = requests.EnumerateArray().Count(r => r.GetProperty("priority").GetInt32() == 1);
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");

        var board = await desk.GetStringAsync("/tafel");

        Assert.Contains($"<span class=\"tile__count\">{crisis}</span> crisis wachtend", board);
        Assert.Contains($"<span class=\"tile__count\">{norms.GetValueOrDefault("over-3-months")}</span> over de hulpnorm", board);
        Assert.Contains($"<span class=\"tile__count\">{norms.GetValueOrDefault("over-6-weeks")}</span> over de plannorm", board);
        Assert.Contains($"<span class=\"tile__count\">{norms.GetValueOrDefault("over-5-working-days")}</span> over de contactnorm", board);
    }

    [GeneratedRegex("""href="/tafel/kind/[0-9a-f-]+">([^<]+)</a>""")]
    private static partial Regex Rows();
}
