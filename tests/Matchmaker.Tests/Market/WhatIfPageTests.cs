using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Matching;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed class WhatIfPageTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMunicipalityBuysPlaces_MorePlacesNeverPlaceFewerChildren_AndTheRunIsStoredAndExportedAsShown(string provider)
    {
        var market = await markets.ForAsync(provider);
        var runsBefore = await market.ScalarAsync<long>(PurchaseRuns);
        var municipality = await MunicipalityAsync(market);
        var careType = await market.ScalarAsync<string>(
            "SELECT care_type FROM requests WHERE region_code = 'rijnmond' AND status = 'open' GROUP BY care_type ORDER BY count(*) DESC, care_type LIMIT 1");

        var one = await PurchaseAsync(municipality, careType, units: "1");
        var ten = await PurchaseAsync(municipality, careType, units: "10");
        var oneJson = await municipality.GetFromJsonAsync<JsonElement>($"{one}?handler=Json");
        var tenJson = await municipality.GetFromJsonAsync<JsonElement>($"{ten}?handler=Json");
        var page = await municipality.GetStringAsync(ten);
        var csv = await municipality.GetStringAsync($"{ten}?handler=Csv");

        Assert.Matches("^/gemeente/wat-als/[0-9a-f-]{36}$", one);
        Assert.True(ExtraPlaced(tenJson) is null || ExtraPlaced(oneJson) is null || ExtraPlaced(tenJson) >= ExtraPlaced(oneJson));
        Assert.True(ExtraPlaced(tenJson) is null or >= 0);
        Assert.Equal(PriorityPolicyVersion, tenJson.GetProperty("policyVersion").GetString());
        Assert.Contains("10 plekken", tenJson.GetProperty("description").GetString());
        Assert.Contains(CareTypes.DutchName(careType), page);
        var csvExtra = csv.Split('\n').Single(l => l.StartsWith("extra geplaatste kinderen;", StringComparison.Ordinal)).Trim().Split(';');
        Assert.Equal(ExtraPlaced(tenJson)?.ToString() ?? "", csvExtra[1]);
        Assert.Equal(ExtraPlaced(tenJson) is null ? "ja" : "nee", csvExtra[2]);
        Assert.Equal(runsBefore + 2, await market.ScalarAsync<long>(PurchaseRuns));
        Assert.Contains(ten, await municipality.GetStringAsync("/gemeente/wat-als"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PlacesNoWaitingChildCanUse_ChangeNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var municipality = await MunicipalityAsync(market);
        var waitedFor = (await market.Database.QueryAsync<string>("SELECT DISTINCT care_type FROM requests WHERE region_code = 'rijnmond' AND status = 'open'")).ToHashSet();
        var unused = CareTypes.All.Order(StringComparer.Ordinal).First(c => !waitedFor.Contains(c));

        var run = await PurchaseAsync(municipality, unused, units: "25");
        var json = await municipality.GetFromJsonAsync<JsonElement>($"{run}?handler=Json");

        Assert.Equal(0, ExtraPlaced(json));
        Assert.All(json.GetProperty("change").GetProperty("fewerWithoutPlacePastNorm").EnumerateObject(), norm => Assert.Equal(0, norm.Value.GetInt32()));
        Assert.Equal(json.GetProperty("change").GetProperty("averageDistanceBeforeKm").ToString(), json.GetProperty("change").GetProperty("averageDistanceAfterKm").ToString());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheSweep_GivesForEveryWaitedForCareTypeWhatTheSingleWhatIfGivesForThatManyPlaces(string provider)
    {
        var market = await markets.ForAsync(provider);
        var municipality = await MunicipalityAsync(market);
        var form = await municipality.GetStringAsync("/gemeente/wat-als");

        var sweep = await PostAsync(municipality, form, "Sweep", []);
        var sweepJson = await municipality.GetFromJsonAsync<JsonElement>($"{sweep}?handler=Json");
        var sweepPage = await municipality.GetStringAsync(sweep);
        var lines = sweepJson.GetProperty("sweep").EnumerateArray().ToList();
        // The sweep, like a round, leaves out the children waiting for a provider's answer to a hold.
        var waitedFor = (await market.Database.QueryAsync<string>("""
            SELECT DISTINCT care_type FROM requests r WHERE region_code = 'rijnmond' AND status = 'open'
              AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.request_id = r.id AND h.status = 'active')
            """)).Order(StringComparer.Ordinal);

        Assert.Equal(waitedFor, lines.Select(l => l.GetProperty("careType").GetString()).Order(StringComparer.Ordinal));
        Assert.Contains("id=\"sweep-chart\"", sweepPage);
        foreach (var line in lines.Take(3))
        {
            // The sweep's places fit every waiting child's needs: a purchase offering every specialism fits the same children.
            foreach (var units in new[] { 1, 6 })
            {
                var single = await PurchaseAsync(municipality, line.GetProperty("careType").GetString()!, units.ToString(), allSpecialisms: true);
                var singleJson = await municipality.GetFromJsonAsync<JsonElement>($"{single}?handler=Json");
                var step = line.GetProperty("extraPlacedByExtraPlaces")[units - 1];
                var fromSweep = step.ValueKind == JsonValueKind.Null ? (int?)null : step.GetInt32();
                // The same children could take both, so both publish the same exact count or both hide it.
                Assert.Equal(fromSweep, ExtraPlaced(singleJson));
            }
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnEmptyOrWrongPurchase_ShowsEveryErrorBesideItsField_AndRunsNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var runsBefore = await market.ScalarAsync<long>("SELECT count(*) FROM what_if_runs");
        var municipality = await MunicipalityAsync(market);
        var form = await municipality.GetStringAsync("/gemeente/wat-als");

        var empty = await municipality.PostAsync("/gemeente/wat-als?handler=Purchase", Form(form, new()
        {
            ["Purchase.Units"] = "", ["Purchase.AgeBand"] = "babies", ["Purchase.Municipality"] = Guid.NewGuid().ToString(), ["Purchase.Specialisms"] = "magic",
        }));
        var emptyPage = await empty.Content.ReadAsStringAsync();
        var tooMany = await municipality.PostAsync("/gemeente/wat-als?handler=Purchase", Form(form, new() { ["Purchase.CareType"] = "gezinshuis", ["Purchase.Units"] = "500" }));
        var tooManyPage = await tooMany.Content.ReadAsStringAsync();
        var contract = await municipality.PostAsync("/gemeente/wat-als?handler=Contract", Form(form, new() { ["offering"] = "not-a-guid" }));

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        foreach (var field in new[] { "careType", "units", "ageBand", "municipality", "specialisms" })
            Assert.Contains($"href=\"#{field}\"", emptyPage);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("value=\"500\"", tooManyPage);
        Assert.Contains("<option value=\"gezinshuis\" selected=\"selected\"", tooManyPage);
        Assert.DoesNotContain("href=\"#careType\"", tooManyPage);
        Assert.Equal(HttpStatusCode.BadRequest, contract.StatusCode);
        Assert.Contains("href=\"#offering\"", await contract.Content.ReadAsStringAsync());
        Assert.Equal(runsBefore, await market.ScalarAsync<long>("SELECT count(*) FROM what_if_runs"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMalformedMunicipality_IsRefusedBesideItsField_NeverRunAtTheRegionsCentre(string provider)
    {
        var market = await markets.ForAsync(provider);
        var runsBefore = await market.ScalarAsync<long>("SELECT count(*) FROM what_if_runs");
        var municipality = await MunicipalityAsync(market);
        var form = await municipality.GetStringAsync("/gemeente/wat-als");

        var refused = new List<string>();
        foreach (var odd in new[] { "not-a-guid", "00000000-0000-0000-0000-00000000000g", "1", "' OR 1=1 --", Guid.NewGuid().ToString() })
        {
            var response = await municipality.PostAsync("/gemeente/wat-als?handler=Purchase", Form(form, new()
            {
                ["Purchase.CareType"] = "gezinshuis", ["Purchase.Units"] = "2", ["Purchase.AgeBand"] = "all", ["Purchase.Municipality"] = odd,
            }));
            var page = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.BadRequest && page.Contains("href=\"#municipality\"") && !page.Contains("href=\"#units\""))
                refused.Add(odd);
        }

        Assert.Equal(5, refused.Count);
        Assert.Equal(runsBefore, await market.ScalarAsync<long>("SELECT count(*) FROM what_if_runs"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARunOfAnotherRegion_IsNotFound(string provider)
    {
        var market = await markets.ForAsync(provider);
        var municipality = await MunicipalityAsync(market);
        var run = await PurchaseAsync(municipality, "gezinshuis", "2");
        var other = market.App.CreateClient();
        await SignIn.AsDemoAsync(other, MarketScenario.OtherRegion, "municipality");

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(run)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"{run}?handler=Csv")).StatusCode);
        Assert.DoesNotContain(run, await other.GetStringAsync("/gemeente/wat-als"));
    }

    private const string PurchaseRuns = "SELECT count(*) FROM what_if_runs WHERE region_code = 'rijnmond' AND kind = 'purchase'";

    private static string PriorityPolicyVersion => PriorityPolicy.Version;

    private static int? ExtraPlaced(JsonElement run)
    {
        var extra = run.GetProperty("change").GetProperty("extraPlaced");
        return extra.ValueKind == JsonValueKind.Null ? null : extra.GetInt32();
    }

    private static async Task<HttpClient> MunicipalityAsync(MarketScenario market)
    {
        var client = market.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsDemoAsync(client, MarketScenario.Region, "municipality");
        return client;
    }

    private static async Task<string> PurchaseAsync(HttpClient municipality, string careType, string units, bool allSpecialisms = false)
    {
        var form = await municipality.GetStringAsync("/gemeente/wat-als");
        var fields = new List<KeyValuePair<string, string>> { new("Purchase.CareType", careType), new("Purchase.Units", units), new("Purchase.AgeBand", "all") };
        if (allSpecialisms) fields.AddRange(Specialisms.All.Select(s => new KeyValuePair<string, string>("Purchase.Specialisms", s)));
        return await PostAsync(municipality, form, "Purchase", fields);
    }

    private static async Task<string> PostAsync(HttpClient municipality, string form, string handler, List<KeyValuePair<string, string>> fields)
    {
        fields.Add(new("__RequestVerificationToken", SignIn.AntiforgeryToken(form)));
        var response = await municipality.PostAsync($"/gemeente/wat-als?handler={handler}", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    private static FormUrlEncodedContent Form(string page, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = SignIn.AntiforgeryToken(page);
        return new FormUrlEncodedContent(fields);
    }
}
