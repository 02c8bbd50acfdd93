using System.Net;
using System.Text.RegularExpressions;
using Matchmaker.Silo.Demo;
using Matchmaker.Silo.Figures;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Figures;

/// <summary>
/// The heavy lane as the national user and the municipality meet it: a re-match computed once per market version,
/// 429 with Retry-After and a Dutch page for a caller over its share or a full lane, and the region's runs per day.
/// </summary>
// Each test starts its own host: they count the heavy lane's admissions and computations since start, the region's
// stored runs and its daily cap, all of which a shared market would carry from one test to the next.
[Trait(Lane.Name, Lane.Integration)]
public sealed partial class HeavyWorkPageTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheDaysRematch_IsComputedOnce_AndAMarketChangeShowsNothingNewUntilTomorrow(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var national = await SignedInAsync(market, "national");
        var rematch = market.App.Services.GetRequiredService<NationalRematch>();

        var first = await national.GetStringAsync("/landelijk/herverdeling");
        var second = await national.GetStringAsync("/landelijk/herverdeling");
        await market.OfferingWithFreeUnitsAsync(free: 7);
        await market.RegisterAsync(MarketScenario.ChildFor(await market.OfferingWithFreeUnitsAsync(free: 1), "REMATCH-0001"));
        var afterChange = await national.GetStringAsync("/landelijk/herverdeling");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        Assert.Equal(1, rematch.Computations);
        Assert.Equal(Stamp(first), Stamp(second));
        Assert.Equal(Stamp(first), Stamp(afterChange));
        Assert.Equal(Tables(first), Tables(afterChange));
        Assert.Equal(today.ToString("yyyy-MM-dd"), Stamp(first).Version);
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM rematch_snapshots WHERE day = @today", new { today }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ANationalUserWithARematchComputing_Gets429WithRetryAfter_AndADutchPageThatTriesAgainByItself(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var national = await SignedInAsync(market, "national");
        var lane = market.App.Services.GetRequiredService<HeavyLane>();
        var nationalUser = await market.ScalarAsync<Guid>("SELECT id FROM users WHERE email = @email", new { email = DemoDataGenerator.NationalDemoEmail });
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var computing = lane.RunAsync("another question of the same user", $"user/{nationalUser}", () => gate.Task);

        var busy = await national.GetAsync("/landelijk/herverdeling");
        var page = await busy.Content.ReadAsStringAsync();
        gate.SetResult(0);
        await computing;
        var later = await national.GetAsync("/landelijk/herverdeling");

        Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
        Assert.InRange(busy.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.Contains("Het is nu te druk om de verdeling uit te rekenen", page);
        Assert.Matches("""<noscript><meta http-equiv="refresh" content="\d+;url=/landelijk/herverdeling" /></noscript>""", page);
        Assert.Contains("src=\"/js/busy.js", page);
        Assert.DoesNotContain("id=\"pools\"", page);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Contains("id=\"pools\"", await later.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARematchLongerThanTheWait_ShowsTheDutchBusyPage_WhichAsksAgainForTheVersionItWaitsFor(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var national = await SignedInAsync(market, "national");
        var lane = market.App.Services.GetRequiredService<HeavyLane>();
        var version = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        var gate = new TaskCompletionSource<RematchFigures>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = lane.RunAsync(NationalRematch.KeyOf(version), "someone else", () => gate.Task);

        var waiting = await national.GetAsync("/landelijk/herverdeling");
        var page = await waiting.Content.ReadAsStringAsync();
        gate.SetException(new TimeoutException("the test ends the slow computation"));
        await Record.ExceptionAsync(() => slow);
        // The caller above stopped waiting long ago (it was told "running"); the lane's own task ends a moment after the
        // gate fails. Come back once it has, as the sentence below says: after the failure, not during it.
        var failedBy = DateTime.UtcNow.AddSeconds(10);
        while (lane.Knows(NationalRematch.KeyOf(version)) && DateTime.UtcNow < failedBy) await Task.Delay(10);
        var back = await national.GetAsync($"/landelijk/herverdeling?stand={version}");

        Assert.Equal(HttpStatusCode.Accepted, waiting.StatusCode);
        Assert.Contains("We rekenen de verdeling uit", page);
        Assert.Contains($"data-busy-retry=\"/landelijk/herverdeling?stand={version}\"", page);
        Assert.Contains($"content=\"2;url=/landelijk/herverdeling?stand={version}\"", page);
        // A failed computation is not kept: coming back computes it again.
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Contains("id=\"pools\"", await back.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMunicipalityAskingWhenTheLaneIsFull_Gets429WithRetryAfter_ItsFormAgainWithADutchSentence_AndNothingIsStored(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var municipality = await SignedInAsync(market, "municipality");
        var lane = market.App.Services.GetRequiredService<HeavyLane>();
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var others = Enumerable.Range(0, 4).Select(i => lane.RunAsync($"other/{i}", $"other/{i}", () => gate.Task)).ToList();

        var sweep = await PostAsync(municipality, "Sweep", []);
        var purchase = await PostAsync(municipality, "Purchase", new() { ["Purchase.CareType"] = "gezinshuis", ["Purchase.Units"] = "3", ["Purchase.AgeBand"] = "all" });
        var purchasePage = await purchase.Content.ReadAsStringAsync();
        var storedWhileFull = await market.ScalarAsync<long>("SELECT count(*) FROM what_if_runs");
        gate.SetResult(0);
        await Task.WhenAll(others);
        var afterwards = await PostAsync(municipality, "Sweep", []);

        foreach (var refused in new[] { sweep, purchase })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }
        Assert.Contains("De berekening is niet gestart", purchasePage);
        Assert.Contains("Probeer het over", purchasePage);
        Assert.Contains("value=\"3\"", purchasePage);
        Assert.Contains("<option value=\"gezinshuis\" selected=\"selected\"", purchasePage);
        Assert.Equal(0L, storedWhileFull);
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheSameQuestionOnTheSameDay_GetsTheRunAlreadyStored_EvenAfterTheMarketChanged_AndAnotherQuestionANewOne(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var municipality = await SignedInAsync(market, "municipality");
        var question = new Dictionary<string, string> { ["Purchase.CareType"] = "gezinshuis", ["Purchase.Units"] = "2", ["Purchase.AgeBand"] = "all" };

        var first = (await PostAsync(municipality, "Purchase", question)).Headers.Location;
        var again = (await PostAsync(municipality, "Purchase", question)).Headers.Location;
        var sweep = (await PostAsync(municipality, "Sweep", [])).Headers.Location;
        var sweepAgain = (await PostAsync(municipality, "Sweep", [])).Headers.Location;
        var storedBeforeChange = await market.ScalarAsync<long>("SELECT count(*) FROM what_if_runs WHERE region_code = 'rijnmond'");
        await market.OfferingWithFreeUnitsAsync(free: 5);
        var afterChange = (await PostAsync(municipality, "Purchase", question)).Headers.Location;
        var another = (await PostAsync(municipality, "Purchase", new() { ["Purchase.CareType"] = "gezinshuis", ["Purchase.Units"] = "3", ["Purchase.AgeBand"] = "all" })).Headers.Location;

        Assert.NotNull(first);
        Assert.Equal(first, again);
        Assert.Equal(sweep, sweepAgain);
        Assert.Equal(2L, storedBeforeChange);
        // The day's runs compute on the input frozen for the day: a change shows tomorrow (docs/open-data.md).
        Assert.Equal(first, afterChange);
        Assert.NotEqual(first, another);
        Assert.Equal(3L, await market.ScalarAsync<long>("SELECT count(*) FROM what_if_runs WHERE region_code = 'rijnmond'"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARegionsRunsForTheDay_StopAtTheCap_EvenWhenAskedAtOnce_AndThePageSaysSoWith429(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var runs = market.App.Services.GetRequiredService<WhatIfRuns>();
        var cap = runs.RunsPerDay;
        for (var i = 0; i < cap - 2; i++)
            await market.ExecuteAsync("""
                INSERT INTO what_if_runs (id, region_code, kind, created_at, created_by, policy_version, solve_millis, inputs, result)
                VALUES (@id, 'rijnmond', 'sweep', @createdAt, NULL, 'test', 1, '{}', '{"description":"eerder vandaag","change":null,"sweep":null}')
                """, new { id = Guid.NewGuid(), createdAt = DateTimeOffset.UtcNow });

        // Four municipalities' users ask four different questions at once: two runs are left today.
        var answers = await Task.WhenAll(Enumerable.Range(1, 4).Select(units =>
            runs.PurchaseAsync(MarketScenario.Region, Guid.NewGuid(), new WhatIfRuns.PurchaseInput("gezinshuis", units, "all", null, []))));
        var municipality = await SignedInAsync(market, "municipality");
        var refused = await PostAsync(municipality, "Purchase", new() { ["Purchase.CareType"] = "gezinshuis", ["Purchase.Units"] = "9", ["Purchase.AgeBand"] = "all" });

        Assert.Equal(2, answers.Count(a => a.Status == WhatIfStatus.Stored));
        Assert.Equal(2, answers.Count(a => a.Status == WhatIfStatus.DailyCapReached));
        Assert.Equal((long)cap, await market.ScalarAsync<long>("SELECT count(*) FROM what_if_runs WHERE region_code = 'rijnmond'"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains($"vandaag al {cap} berekeningen opgeslagen", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM what_if_runs WHERE region_code <> 'rijnmond'"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task NonsenseInput_IsRefusedByRuleCode_OrIgnored_NeverA500_AndNothingRunsOrIsStored(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var runs = market.App.Services.GetRequiredService<WhatIfRuns>();
        var lane = market.App.Services.GetRequiredService<HeavyLane>();
        var elsewhere = await market.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @region ORDER BY id LIMIT 1", new { region = MarketScenario.OtherRegion });
        var national = await SignedInAsync(market, "national");

        var purchase = await runs.PurchaseAsync(MarketScenario.Region, null, new WhatIfRuns.PurchaseInput("bogus", 0, "babies", elsewhere.ToString(), ["magic"]));
        var contract = await runs.ContractAsync(MarketScenario.Region, null, Guid.NewGuid());
        var oddStands = new[] { "%00", "x", new string('9', 2000), "national-rematch%2F..%2F" };
        var pages = await Task.WhenAll(oddStands.Select(stand => national.GetAsync($"/landelijk/herverdeling?stand={stand}")));

        Assert.Equal(WhatIfStatus.Refused, purchase.Status);
        Assert.Equal([("careType", WhatIfRule.CareTypeUnknown), ("units", WhatIfRule.UnitsOutOfRange), ("ageBand", WhatIfRule.AgeBandUnknown),
            ("municipality", WhatIfRule.MunicipalityNotInRegion), ("specialisms", WhatIfRule.SpecialismUnknown)], purchase.Problems.Select(p => (p.Field, p.Rule)));
        Assert.Equal((WhatIfStatus.Refused, "offering", WhatIfRule.OfferingNotAnOption), (contract.Status, contract.Problems.Single().Field, contract.Problems.Single().Rule));
        Assert.All(pages, page => Assert.Equal(HttpStatusCode.OK, page.StatusCode));
        Assert.Equal(0, lane.Admitted);
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM what_if_runs"));
    }

    private sealed record RematchStamp(long Computation, string Version);

    /// <summary>The page's tables, from the pools' table to the end of the regions' one.</summary>
    private static string Tables(string page) =>
        page[page.IndexOf("id=\"pools\"", StringComparison.Ordinal)..page.IndexOf("id=\"computed\"", StringComparison.Ordinal)];

    private static RematchStamp Stamp(string page)
    {
        var match = ComputedStamp().Match(page);
        Assert.True(match.Success, "the re-match page shows when and on which market it was computed");
        return new RematchStamp(long.Parse(match.Groups[1].Value), match.Groups[2].Value);
    }

    private static async Task<HttpClient> SignedInAsync(MarketScenario market, string role)
    {
        var client = market.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsDemoAsync(client, MarketScenario.Region, role);
        return client;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient municipality, string handler, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await municipality.GetStringAsync("/gemeente/wat-als"));
        return await municipality.PostAsync($"/gemeente/wat-als?handler={handler}", new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("""id="computed" data-computation="(\d+)" data-stand="([^"]+)">""")]
    private static partial Regex ComputedStamp();
}
