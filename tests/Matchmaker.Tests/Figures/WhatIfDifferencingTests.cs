using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Matchmaker.Matching;
using Matchmaker.Matching.Purchasing;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Figures;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Matchmaker.Tests.Figures;

/// <summary>
/// The what-if under the publication policy (issue 22, item 1): buyers get exact answers for small purchases, and two
/// runs that differ by one place, or a registration between two runs on one day, give away nothing about one child.
/// The attacker here holds everything a municipality can download (each run's JSON, CSV and page); the test also reads
/// the day's frozen input, to know what the attacker would be after.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class WhatIfDifferencingTests(SharedMarket markets, ITestOutputHelper output) : IClassFixture<SharedMarket>
{
    private const string Region = MarketScenario.Region;
    private const string OtherRegion = MarketScenario.OtherRegion;
    private const int MaxUnits = 7;

    /// <summary>Narrower than this, a range for one child's waiting days would tell its measure's start to within a month.</summary>
    private const int RevealingRangeDays = 30;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PurchasesThatDifferByOnePlace_RevealNoChildsWaitingDaysNorUrgency_WhileSmallPurchasesGetExactAnswers(string provider)
    {
        var market = await markets.ForAsync(provider);
        var municipality = await MunicipalityAsync(market);
        var sweep = await JsonAsync(municipality, await PostAsync(municipality, "Sweep", []));
        var children = await FrozenChildrenAsync(market);
        // The care types most waited for, and a few with few children: where small groups would leak first.
        var byCount = children.GroupBy(c => c.CareType).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var careTypes = byCount.Take(2).Concat(byCount.Skip(2).Where(g => g.Count() < 8).Take(2)).Select(g => g.Key).ToList();

        var (attempts, rangesTried, classesLearnt) = (0, 0, 0);
        var exactSmall = new List<string>();
        foreach (var careType in careTypes)
        {
            var runs = new List<JsonElement>();
            for (var units = 1; units <= MaxUnits; units++)
            {
                var run = await PurchaseAsync(municipality, careType, units);
                var json = await JsonAsync(municipality, run);
                AssertPublishesOnlyWhatThePolicyAllows(json, await municipality.GetByteArrayAsync($"{run}?handler=Csv"));
                runs.Add(json.GetProperty("change"));
            }
            var group = children.Where(c => c.CareType == careType).ToList();
            for (var k = 1; k < MaxUnits; k++)
            {
                var (before, after) = (runs[k - 1], runs[k]);
                attempts++;
                // Waiting days: the sums behind two rounded averages (k and k + 1 places) leave a range for what one more child adds.
                if (Average(before) is { } a && Average(after) is { } b && Count(before.GetProperty("extraPlaced")) is { } n && Count(after.GetProperty("extraPlaced")) is { } m && m == n + 1)
                {
                    var half = WhatIfDisclosure.WaitingDaysStep / 2.0;
                    var range = (m * (b + half) - n * (a - half)) - (m * (b - half) - n * (a + half));
                    Assert.True(range >= RevealingRangeDays, $"{careType} +{k}/+{k + 1}: one child's waiting days within {range} days");
                    rangesTried++;
                }
                // Urgency and norms: a difference of exactly one child in one class tells that child's class; only ever a class of five or more.
                foreach (var (cls, size) in LearntClasses(before, after, group))
                {
                    Assert.True(size >= WhatIfDisclosure.Threshold, $"{careType} +{k}/+{k + 1}: the next child placed is {cls}, a group of {size}");
                    classesLearnt++;
                }
            }
            if (Enumerable.Range(0, 4).All(i => Count(runs[i].GetProperty("extraPlaced")) is not null)) exactSmall.Add(careType);
            // The sweep and the what-if give the same figures for the same purchase on the same day.
            var line = sweep.GetProperty("sweep").EnumerateArray().Single(l => l.GetProperty("careType").GetString() == careType);
            for (var k = 0; k < MaxUnits; k++)
                Assert.Equal(Count(line.GetProperty("extraPlacedByExtraPlaces")[k]), Count(runs[k].GetProperty("extraPlaced")));
        }

        output.WriteLine($"{provider}: care types {string.Join(", ", careTypes.Select(c => $"{c} ({children.Count(x => x.CareType == c)} waiting)"))}; "
            + $"{attempts} differences, {rangesTried} waiting-day ranges, {classesLearnt} classes learnt (all of 5 or more); exact +1 to +4: {string.Join(", ", exactSmall)}");
        Assert.True(attempts >= 10, $"only {attempts} differences tried");
        // Differencing across questions: the same places without one specialism that one to four of these children need.
        var rare = children.Where(c => c.CareType == careTypes[0]).SelectMany(c => c.Needs).GroupBy(n => n).Where(g => g.Count() < WhatIfDisclosure.Threshold)
            .Select(g => g.Key).Order(StringComparer.Ordinal).FirstOrDefault();
        if (rare is not null)
        {
            var without = await JsonAsync(municipality, await PurchaseAsync(municipality, careTypes[0], MaxUnits, [.. Specialisms.All.Where(s => s != rare)]));
            Assert.Null(Count(without.GetProperty("change").GetProperty("extraPlaced")));
            output.WriteLine($"{provider}: without '{rare}' (needed by 1 to 4 {careTypes[0]} children): hidden");
        }
        // The control: the same differencing on the figures as the matcher has them (the totals published before) finds children's waiting days.
        Assert.True(await RecoveredFromUnprotectedAsync(market, careTypes[0]) > 0, "the attack would not even find the old leak");
        // Buyers decide on small purchases: +1 to +4 are answered where five or more children could take the places.
        Assert.Contains(careTypes[0], exactSmall);
        Assert.True(exactSmall.Count >= 1);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AChildRegisteredBetweenTwoRunsOnOneDay_ChangesNoPublishedFigure(string provider)
    {
        var market = await markets.ForAsync(provider);
        var municipality = await MunicipalityAsync(market);
        var inputs = market.App.Services.GetRequiredService<WhatIfInputs>();
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var specialisms = Specialisms.All.ToList();

        var before = await JsonAsync(municipality, await PurchaseAsync(municipality, offering.CareType, 50, specialisms));
        var sweepBefore = await JsonAsync(municipality, await PostAsync(municipality, "Sweep", []));
        var frozen = await inputs.TodaysAsync(Region);
        var freezes = inputs.Freezes;
        await market.RegisterAsync(MarketScenario.ChildFor(offering, $"RIJ-WATALS-{provider}"));
        // The same purchase asked another way (specialisms in another order): a new run, computed after the registration.
        var after = await JsonAsync(municipality, await PurchaseAsync(municipality, offering.CareType, 50, [.. Enumerable.Reverse(specialisms)]));
        var sweepAfter = await JsonAsync(municipality, await PostAsync(municipality, "Sweep", []));
        await using var connection = await market.App.Services.GetRequiredService<Database>().OpenAsync();
        var live = (await RegionMarket.LoadAsync(connection, Region, RoundOptions.Remembering, frozen.Day))!;

        Assert.NotEqual(before.GetProperty("id").GetGuid(), after.GetProperty("id").GetGuid());
        Assert.Equal(before.GetProperty("change").GetRawText(), after.GetProperty("change").GetRawText());
        Assert.Equal(sweepBefore.GetProperty("sweep").GetRawText(), sweepAfter.GetProperty("sweep").GetRawText());
        Assert.Equal(before.GetProperty("snapshotDate").GetString(), after.GetProperty("snapshotDate").GetString());
        Assert.Equal(freezes, inputs.Freezes);
        Assert.Equal(frozen.FrozenAt, (await inputs.TodaysAsync(Region)).FrozenAt);
        // The registered child waits now, but not in the day's input: without the freeze the second run would have seen it.
        Assert.Equal(frozen.Instance.Requests.Count + 1, live.Instance.Requests.Count);
    }

    /// <summary>
    /// Issue 22, "Figures that cannot be differenced": runs that are apart two by two, added and subtracted, must not
    /// isolate the one to four children who need a specialism; and the sweep after a purchase is compared with the
    /// purchase's children in the same (whole-input) positions. In the other region, where no other test of this class
    /// asks a what-if, so its day's input freezes with the children registered here.
    /// </summary>
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RunsAddedAndSubtracted_IsolateNoChild_NorDoesThePurchaseBeforeTheSweep(string provider)
    {
        var market = await markets.ForAsync(provider);
        var municipality = await MunicipalityAsync(market, OtherRegion);
        var lat = await market.ScalarAsync<double>("SELECT lat FROM regions WHERE code = @OtherRegion", new { OtherRegion });
        var lon = await market.ScalarAsync<double>("SELECT lon FROM regions WHERE code = @OtherRegion", new { OtherRegion });
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        MatchingInstance live;
        await using (var connection = await market.App.Services.GetRequiredService<Database>().OpenAsync())
            live = (await RegionMarket.LoadAsync(connection, OtherRegion, RoundOptions.Remembering, today))!.Instance;
        // Care types for a child of any age and gender (Eligibility), so the ages below can all be registered.
        var careTypes = CareTypes.All.Where(c => c != CareTypes.Secure && !Eligibility.CareTypeAges.ContainsKey(c) && !Eligibility.CareTypeGender.ContainsKey(c))
            .Order(StringComparer.Ordinal).ToList();
        var (attacked, swept) = (careTypes[0], careTypes[1]);
        // s: no child of the attacked care type waits needing exactly s yet; s2: no more than two of the swept care type need it.
        var s = Specialisms.All.First(x => !live.Requests.Any(r => r.CareType == attacked && r.Needs.SequenceEqual([x])));
        var s2 = Specialisms.All.First(x => live.Requests.Count(r => r.CareType == swept && r.Needs.Contains(x)) <= 2);
        var registered = 0;
        async Task RegisterAsync(string careType, int age, params string[] needs)
        {
            var facts = new MarketScenario.OfferingFacts { CareType = careType, MinAge = age, MaxAge = age, Genders = "m", Lat = lat, Lon = lon };
            var child = JsonSerializer.SerializeToNode(MarketScenario.ChildFor(facts, $"HGL-ATOOM-{provider}-{++registered}"))!.AsObject();
            child["needs"] = new System.Text.Json.Nodes.JsonArray([.. needs.Select(n => (System.Text.Json.Nodes.JsonNode)n!)]);
            // Past 18 only jeugdreclassering is a measure (Eligibility).
            if (age >= 18) child["measureType"] = MeasureTypes.JuvenileProbation;
            await market.RegisterAsync(child, market.OtherDesk, OtherRegion);
        }
        foreach (var age in new[] { 3, 8, 14, 19 })
            for (var i = 0; i < WhatIfDisclosure.Threshold; i++) await RegisterAsync(attacked, age);
        await RegisterAsync(attacked, 10, s);
        await RegisterAsync(attacked, 10, s);
        for (var i = 0; i < WhatIfDisclosure.Threshold; i++) await RegisterAsync(swept, 10);
        await RegisterAsync(swept, 10, s2);
        await RegisterAsync(swept, 10, s2);

        // The attack: A = every age with s (the children needing nothing or s), B1..B4 = each age band without specialism.
        var a = await PurchaseAsync(municipality, attacked, 50, [s]);
        var bands = new List<string>();
        foreach (var band in WhatIfRuns.AgeBands.Where(b => b.Code != "all"))
            bands.Add(await PurchaseAsync(municipality, attacked, 50, [], band.Code));
        // The purchase, then the sweep: the swept care type without s2, then every care type with every need.
        var withoutS2 = await PurchaseAsync(municipality, swept, 50, [.. Specialisms.All.Where(x => x != s2)]);
        var sweep = await JsonAsync(municipality, await PostAsync(municipality, "Sweep", []));

        var frozen = await market.App.Services.GetRequiredService<WhatIfInputs>().TodaysAsync(OtherRegion);
        IReadOnlySet<int> Candidates(string careType, int minAge, int maxAge, IReadOnlyList<string> specialisms) =>
            WhatIf.CandidatesFor(frozen.Instance, WhatIf.PlaceOf(new Purchase(careType, 50, minAge, maxAge, specialisms, lat, lon), OtherRegion), frozen.Day).Members;
        var groupA = Candidates(attacked, 0, 23, [s]);
        var groupsB = WhatIfRuns.AgeBands.Where(b => b.Code != "all").Select(b => Candidates(attacked, b.MinAge, b.MaxAge, [])).ToList();
        var isolated = groupA.Except(groupsB.SelectMany(g => g)).Count();
        var sweptAll = Candidates(swept, 0, 23, [.. frozen.Instance.Requests.Where(r => r.CareType == swept).SelectMany(r => r.Needs).Distinct()]);
        var sweptWithout = Candidates(swept, 0, 23, [.. Specialisms.All.Where(x => x != s2)]);
        // The control: every run is about 5 or more, two by two they differ by 0 or 5 or more (the old rule answered all five),
        // and A minus the bands is about the 1 to 4 children needing s; the sweep's line adds the 1 to 4 children needing s2.
        IReadOnlyList<IReadOnlySet<int>> attack = [groupA, .. groupsB];
        Assert.All(attack, g => Assert.True(g.Count >= WhatIfDisclosure.Threshold, $"a group of {g.Count}"));
        foreach (var x in attack)
            foreach (var y in attack.Where(y => y != x && y.Overlaps(x)))
                Assert.True(WhatIfDisclosure.IsLargeEnough(x.Except(y).Count()) && WhatIfDisclosure.IsLargeEnough(y.Except(x).Count()));
        Assert.InRange(isolated, 1, WhatIfDisclosure.Threshold - 1);
        Assert.True(sweptWithout.Count >= WhatIfDisclosure.Threshold && sweptWithout.IsSubsetOf(sweptAll));
        Assert.InRange(sweptAll.Count - sweptWithout.Count, 1, WhatIfDisclosure.Threshold - 1);

        var runs = new List<JsonElement> { await JsonAsync(municipality, a) };
        foreach (var band in bands) runs.Add(await JsonAsync(municipality, band));
        var extra = runs.Select(r => Count(r.GetProperty("change").GetProperty("extraPlaced"))).ToList();
        output.WriteLine($"{provider}: {attacked} with '{s}' and per band: {string.Join(" ", extra.Select(e => e?.ToString() ?? "x"))} (isolating {isolated})");
        // The attack needs all five; the first question is answered, the band that would close the gap is not.
        Assert.NotNull(extra[0]);
        Assert.Null(extra[^1]);
        Assert.Contains(extra, e => e is null);
        var hidden = runs[^1].GetProperty("change");
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("averageDistanceAfterKm").ValueKind);
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("extraPlacedByPriority").ValueKind);
        // Why it is hidden is not said beyond "about fewer than 5 children": no earlier question is named.
        var page = await municipality.GetStringAsync(bands[^1]);
        Assert.Contains("publiceren we niet, omdat het cijfer over minder dan 5 kinderen zou gaan", page);
        Assert.DoesNotContain("eerdere berekening", page, StringComparison.OrdinalIgnoreCase);
        // The purchase is answered; the sweep's line for the same care type would be about the children needing s2 more.
        Assert.NotNull(Count((await JsonAsync(municipality, withoutS2)).GetProperty("change").GetProperty("extraPlaced")));
        var line = sweep.GetProperty("sweep").EnumerateArray().Single(l => l.GetProperty("careType").GetString() == swept);
        Assert.All(line.GetProperty("extraPlacedByExtraPlaces").EnumerateArray(), c => Assert.Null(Count(c)));
    }

    /// <summary>
    /// A run of the day that cannot be read back (here an age band no form offers) cannot be audited against: the next
    /// run is stored and shown, publishing nothing, never a 500; once the day's runs read back again, the same children get
    /// their counts.
    /// </summary>
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnEarlierRunThatCannotBeReadBack_MakesTheNextRunPublishNothing_NotFail(string provider)
    {
        var market = await markets.ForAsync(provider);
        var municipality = await MunicipalityAsync(market);
        var frozen = await market.App.Services.GetRequiredService<WhatIfInputs>().TodaysAsync(Region);
        var careType = frozen.Instance.Requests.GroupBy(r => r.CareType).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        var broken = Guid.NewGuid();
        await market.ExecuteAsync("""
            INSERT INTO what_if_runs (id, region_code, kind, created_at, created_by, policy_version, solve_millis, inputs, result)
            VALUES (@broken, @Region, 'purchase', @now, NULL, @policy, 0, @inputs, @result)
            """, new
        {
            broken, Region, now = DateTimeOffset.UtcNow, policy = PriorityPolicy.Version,
            inputs = """{"careType":"gezinshuis","units":2,"ageBand":"9-99","municipality":null,"specialisms":[]}""",
            result = $$"""{"description":"kapot","change":null,"sweep":null,"inputDay":"{{frozen.Day:yyyy-MM-dd}}"}""",
        });
        JsonElement hidden;
        try
        {
            hidden = (await JsonAsync(municipality, await PurchaseAsync(municipality, careType, 11))).GetProperty("change");
        }
        finally
        {
            await market.ExecuteAsync("DELETE FROM what_if_runs WHERE id = @broken", new { broken });
        }
        var shown = (await JsonAsync(municipality, await PurchaseAsync(municipality, careType, 12))).GetProperty("change");

        Assert.Null(Count(hidden.GetProperty("extraPlaced")));
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("extraPlacedByPriority").ValueKind);
        Assert.All(hidden.GetProperty("fewerWithoutPlacePastNorm").EnumerateObject(), norm => Assert.Null(Count(norm.Value)));
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("averageWaitingDaysOfExtraPlaced").ValueKind);
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("averageDistanceAfterKm").ValueKind);
        Assert.NotNull(Count(shown.GetProperty("extraPlaced")));
    }

    /// <summary>
    /// How many children's exact waiting days the difference of the raw totals of waiting days ended (k and k + 1 places,
    /// one more child placed) gives away: what the what-if published before this policy.
    /// </summary>
    private static async Task<int> RecoveredFromUnprotectedAsync(MarketScenario market, string careType)
    {
        var frozen = await market.App.Services.GetRequiredService<WhatIfInputs>().TodaysAsync(Region);
        var lat = await market.ScalarAsync<double>("SELECT lat FROM regions WHERE code = @Region", new { Region });
        var lon = await market.ScalarAsync<double>("SELECT lon FROM regions WHERE code = @Region", new { Region });
        var waiting = frozen.Instance.Requests.Where(r => r.CareType == careType).Select(r => (long)r.WaitingDays).ToHashSet();
        var runs = Enumerable.Range(1, MaxUnits)
            .Select(units => WhatIf.Buy(frozen.Instance, new Purchase(careType, units, 0, 23, Specialisms.All, lat, lon), Region, frozen.Day)).ToList();
        return Enumerable.Range(1, MaxUnits - 1).Count(k => runs[k].AdditionallyPlaced == runs[k - 1].AdditionallyPlaced + 1
            && waiting.Contains(runs[k].WaitingDaysEnded - runs[k - 1].WaitingDaysEnded));
    }

    /// <summary>The classes whose membership the difference between two runs tells of the one more child placed, with their size in the care type.</summary>
    private static IEnumerable<(string Class, int Size)> LearntClasses(JsonElement before, JsonElement after, List<FrozenChild> group)
    {
        if (Count(before.GetProperty("extraPlaced")) is not { } n || Count(after.GetProperty("extraPlaced")) is not { } m || m != n + 1) yield break;
        if (before.GetProperty("extraPlacedByPriority") is { ValueKind: JsonValueKind.Array } pb && after.GetProperty("extraPlacedByPriority") is { ValueKind: JsonValueKind.Array } pa)
            for (var p = 0; p < 3; p++)
                if (Count(pa[p]) - Count(pb[p]) == 1)
                    yield return ($"priority {p + 1}", group.Count(c => c.Priority == p + 1));
        var norms = new[] { "fiveWorkingDays", "sixWeeks", "threeMonths" };
        for (var i = 0; i < norms.Length; i++)
        {
            var nb = Count(before.GetProperty("fewerWithoutPlacePastNorm").GetProperty(norms[i]));
            var na = Count(after.GetProperty("fewerWithoutPlacePastNorm").GetProperty(norms[i]));
            if (nb is null || na is null) continue;
            var past = group.Count(c => c.PastNorm[i]);
            if (na - nb == 1) yield return ($"past {norms[i]}", past);
            if (na == nb) yield return ($"not past {norms[i]}", group.Count - past);
        }
    }

    /// <summary>No total of waiting days, no exact distance; a CSV that opens in Excel with its hidden flags; numbers as the JSON has them.</summary>
    private static void AssertPublishesOnlyWhatThePolicyAllows(JsonElement run, byte[] csv)
    {
        var change = run.GetProperty("change");
        Assert.False(change.TryGetProperty("waitingDaysEnded", out _));
        if (Average(change) is { } average) Assert.Equal(0, average % WhatIfDisclosure.WaitingDaysStep);
        foreach (var distance in new[] { "averageDistanceBeforeKm", "averageDistanceAfterKm" })
            if (change.GetProperty(distance) is { ValueKind: JsonValueKind.Number } km) Assert.Equal(0, km.GetDouble() % WhatIfDisclosure.DistanceStepKm);
        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        var lines = Encoding.UTF8.GetString(csv[3..]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("kenmerk;waarde;verborgen;stand", lines[0]);
        var extra = lines.Single(l => l.StartsWith("extra geplaatste kinderen;", StringComparison.Ordinal)).Split(';');
        Assert.Equal(Count(change.GetProperty("extraPlaced"))?.ToString() ?? "", extra[1]);
        Assert.Equal(extra[1] == "" ? "ja" : "nee", extra[2]);
        Assert.Equal(run.GetProperty("snapshotDate").GetString(), extra[3]);
    }

    private static int? Average(JsonElement change) =>
        change.GetProperty("averageWaitingDaysOfExtraPlaced") is { ValueKind: JsonValueKind.Number } days ? days.GetInt32() : null;

    private static int? Count(JsonElement count) => count.ValueKind == JsonValueKind.Null ? null : count.GetInt32();

    private sealed record FrozenChild(string CareType, int Priority, bool[] PastNorm, IReadOnlyList<string> Needs);

    /// <summary>The children of the day's frozen input, with what an attacker would want of each: urgency, and which norms it waited past.</summary>
    private static async Task<List<FrozenChild>> FrozenChildrenAsync(MarketScenario market)
    {
        var frozen = await market.App.Services.GetRequiredService<WhatIfInputs>().TodaysAsync(Region);
        WaitingNorms.Status[] norms = [WaitingNorms.Status.OverFiveWorkingDays, WaitingNorms.Status.OverSixWeeks, WaitingNorms.Status.OverThreeMonths];
        return frozen.Instance.Requests.Select(r => new FrozenChild(r.CareType, r.Priority,
            [.. norms.Select(n => WaitingNorms.IsPast(n, frozen.Day.AddDays(-r.WaitingDays), frozen.Day))], r.Needs)).ToList();
    }

    private static async Task<HttpClient> MunicipalityAsync(MarketScenario market, string region = Region)
    {
        var client = market.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsDemoAsync(client, region, "municipality");
        return client;
    }

    private static async Task<JsonElement> JsonAsync(HttpClient municipality, string run) => await municipality.GetFromJsonAsync<JsonElement>($"{run}?handler=Json");

    private static Task<string> PurchaseAsync(HttpClient municipality, string careType, int units, IReadOnlyList<string>? specialisms = null, string ageBand = "all")
    {
        var fields = new List<KeyValuePair<string, string>> { new("Purchase.CareType", careType), new("Purchase.Units", units.ToString()), new("Purchase.AgeBand", ageBand) };
        fields.AddRange((specialisms ?? Specialisms.All).Select(s => new KeyValuePair<string, string>("Purchase.Specialisms", s)));
        return PostAsync(municipality, "Purchase", fields);
    }

    private static async Task<string> PostAsync(HttpClient municipality, string handler, List<KeyValuePair<string, string>> fields)
    {
        fields.Add(new("__RequestVerificationToken", SignIn.AntiforgeryToken(await municipality.GetStringAsync("/gemeente/wat-als"))));
        var response = await municipality.PostAsync($"/gemeente/wat-als?handler={handler}", new FormUrlEncodedContent(fields));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{handler}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.OriginalString;
    }
}

/// <summary>The day's what-if input (migration 0018): frozen once per region and day, even by two nodes at once; kept for its day only.</summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class WhatIfInputsTests
{
    private const string Region = MarketScenario.Region;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoNodesFreezeTheDayOnce_WithoutCaseReferences_TheNextDaySeesTheNewChild_AndNoOlderDayIsKept(string provider)
    {
        await using var scenario = await Matchmaker.Tests.Retention.RetentionScenario.StartAsync(provider);
        var (database, clock) = (scenario.Db.Database, scenario.Clock);
        using var lane = new HeavyLane(new FiguresOptions(1, 4, 1, TimeSpan.FromSeconds(10), 50), Microsoft.Extensions.Logging.Abstractions.NullLogger<HeavyLane>.Instance);
        var (one, two) = (new WhatIfInputs(database, lane, clock), new WhatIfInputs(database, lane, clock));
        var today = DateOnly.FromDateTime(clock.Now.UtcDateTime);

        MatchingInstance live;
        await using (var connection = await database.OpenAsync())
            live = (await RegionMarket.LoadAsync(connection, Region, RoundOptions.Remembering, today))!.Instance;
        var atOnce = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? one : two).TodaysAsync(Region)));
        var freezesToday = one.Freezes + two.Freezes;
        var body = await scenario.Db.ScalarAsync<string>("SELECT body FROM what_if_inputs WHERE region_code = @Region AND day = @today", new { Region, today });
        var references = await scenario.Db.QueryAsync<string>("SELECT case_reference FROM requests WHERE region_code = @Region", new { Region });
        await scenario.ChildAsync(Region, closedMonthsAgo: null);
        var later = await two.TodaysAsync(Region);
        clock.Now = clock.Now.AddDays(1);
        var tomorrow = await one.TodaysAsync(Region);
        MatchingInstance liveTomorrow;
        await using (var connection = await database.OpenAsync())
            liveTomorrow = (await RegionMarket.LoadAsync(connection, Region, RoundOptions.Remembering, today.AddDays(1)))!.Instance;
        var daysKept = await scenario.Db.QueryAsync<string>("SELECT CAST(day AS TEXT) FROM what_if_inputs WHERE region_code = @Region", new { Region });
        clock.Now = clock.Now.AddDays(1);
        await scenario.Retention.RunAsync(Region);

        Assert.All(atOnce, frozen => Assert.Equal(atOnce[0].FrozenAt, frozen.FrozenAt));
        // At most once per node; what a node froze in vain (the other stored first) nobody computes on.
        Assert.InRange(freezesToday, 1, 2);
        Assert.NotEmpty(atOnce[0].Instance.Requests);
        Assert.All(references, reference => Assert.DoesNotContain(reference, body));
        Assert.DoesNotContain("fam-", body);
        Assert.Equal(atOnce[0].FrozenAt, later.FrozenAt);
        Assert.Equal(atOnce[0].Instance.Requests.Count, later.Instance.Requests.Count);
        Assert.Equal(today.AddDays(1), tomorrow.Day);
        Assert.Equal(atOnce[0].Instance.Requests.Count + 1, tomorrow.Instance.Requests.Count);
        Assert.Single(daysKept);
        // The order of the copy (and so k1, k2, …) is shuffled per freeze: it is not the order of registration, which the
        // market reads in; the same children on both days, in an order of their own each day. No child holds a place in it.
        static string Child(Matchmaker.Matching.Request r) => $"{r.CareType}/{r.Age}/{r.Gender}/{r.Lat}/{r.Lon}/{r.Priority}/{string.Join(",", r.Needs)}/{r.SiblingGroup is null}";
        Assert.True(live.Requests.Select(Child).Distinct().Count() >= 8, "too few distinct children to see an order");
        Assert.Equal(live.Requests.Select(Child).Order(), atOnce[0].Instance.Requests.Select(Child).Order());
        Assert.False(live.Requests.Select(Child).SequenceEqual(atOnce[0].Instance.Requests.Select(Child))
            && liveTomorrow.Requests.Select(Child).SequenceEqual(tomorrow.Instance.Requests.Select(Child)), "the frozen copies keep the registration order");
        Assert.Equal(Enumerable.Range(1, tomorrow.Instance.Requests.Count).Select(i => $"k{i}"), tomorrow.Instance.Requests.Select(r => r.Id));
        Assert.All(atOnce[0].Instance.Requests.Concat(tomorrow.Instance.Requests), r => Assert.Null(r.HeldPlaces));
        Assert.Equal(0L, await scenario.Db.ScalarAsync<long>("SELECT count(*) FROM what_if_inputs WHERE region_code = @Region", new { Region }));
    }

    [Fact]
    public async Task ADayFrozenFromTheLane_HandsSQLitesWriterTurnOnFromThePool_NeverFromALaneThread()
    {
        await using var scenario = await Matchmaker.Tests.Retention.RetentionScenario.StartAsync("sqlite");
        var (database, clock) = (scenario.Db.Database, scenario.Clock);
        using var lane = new HeavyLane(new FiguresOptions(1, 4, 1, TimeSpan.FromSeconds(30), 50), Microsoft.Extensions.Logging.Abstractions.NullLogger<HeavyLane>.Instance);
        var inputs = new WhatIfInputs(database, lane, clock);
        var waiter = new RecordingScheduler();

        // The test holds the writer's turn; the lane's freeze waits for it, and a request's write waits behind that.
        var holder = await database.OpenAsync();
        var holding = await database.BeginWriteAsync(holder);
        var freezing = lane.RunAsync("freeze", "municipality", () => inputs.TodaysAsync(Region));
        while (inputs.Freezes == 0) await Task.Delay(5);
        await Task.Delay(100);
        var request = Task.Factory.StartNew(async () =>
        {
            await using var connection = await database.OpenAsync();
            await using var write = await database.BeginWriteAsync(connection);
        }, CancellationToken.None, TaskCreationOptions.None, waiter).Unwrap();
        await Task.Delay(100);
        await holding.DisposeAsync();
        await holder.DisposeAsync();
        var frozen = await freezing;
        await request;

        Assert.Equal(LaneStatus.Done, frozen.Status);
        // The request's write was woken by whoever closed the freeze's connection: a lane thread would start pool workers at its priority.
        Assert.True(waiter.QueuedFrom.Count >= 2, "the request's write never waited for the turn");
        Assert.DoesNotContain(waiter.QueuedFrom, name => name?.StartsWith("heavy-lane-") == true);
    }
}
