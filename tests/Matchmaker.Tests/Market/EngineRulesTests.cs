using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Security;

namespace Matchmaker.Tests.Market;

/// <summary>
/// Every rule has one home, the engine's owner of the data, and every door meets it: a split and a group hold cannot
/// both win, a place outside the policy needs a reason through the API too, quick clicks all count, a sheet's plan
/// cannot be forged, caseworkers group only their own children.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFlowsCollection.Name)]
public sealed class EngineRulesTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ASplitRacingAGroupHold_SixtyFourWays_NeverLeavesAGroupHoldOnAChildWhoLeftTheGroup(string provider)
    {
        const int groups = 64;
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 2 * groups);
        var families = new List<(string Group, Guid First, Guid Second)>();
        for (var i = 0; i < groups; i++)
        {
            var group = $"RACE-{i:00}-G";
            families.Add((group, await market.RegisterAsync(MarketScenario.ChildFor(offering, $"RACE-{i:00}-A", group)),
                await market.RegisterAsync(MarketScenario.ChildFor(offering, $"RACE-{i:00}-B", group))));
        }

        var races = await Task.WhenAll(families.Select(async family =>
        {
            var split = market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/sibling-groups/{family.Group}/split",
                new { reason = "Samen wachten duurt te lang" });
            var hold = market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId = family.First });
            var held = await hold;
            return (family, Split: (await split).StatusCode, Hold: held.StatusCode, Answer: await held.Content.ReadAsStringAsync());
        }));

        Assert.Equal(0L, await market.ScalarAsync<long>("""
            SELECT count(*) FROM holds h JOIN requests r ON r.id = h.request_id
            WHERE h.status = 'active' AND h.sibling_group IS NOT NULL AND (r.sibling_group IS NULL OR r.sibling_group <> h.sibling_group)
            """));
        foreach (var (family, split, hold, answer) in races)
        {
            var groupHolds = await market.ScalarAsync<long>(
                "SELECT count(*) FROM holds WHERE sibling_group = @Group AND status = 'active'", new { family.Group });
            Assert.True(hold == HttpStatusCode.Created, $"{family.Group}: hold {hold} {answer}");
            // Exactly one won: the split (and the hold took the child alone), or the group hold (and the split was refused).
            Assert.True(split == HttpStatusCode.OK ? groupHolds == 0 : split == HttpStatusCode.Conflict && groupHolds == 2,
                $"{family.Group}: split {split}, {groupHolds} group hold(s)");
        }
        Assert.Equal(await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE offering_id = @Id AND status = 'active'", new { offering.Id }),
            (long)(await market.FactsAsync(offering.Id)).HeldUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnApiHoldOutsideThePolicy_WithoutAReason_IsRefusedNamingTheField_AndWithOne_IsAuditedWithIt(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        await market.OutsidePolicyAsync(offering.Id);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-POL-0001"));

        var withoutReason = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var heldAfterRefusal = await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @requestId", new { requestId });
        var withReason = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds",
            new { requestId, outsidePolicyReason = "Enige plek met de juiste specialisatie" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, withoutReason.StatusCode);
        var problem = await withoutReason.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("outside-policy-needs-reason", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("outsidePolicyReason", out _));
        Assert.Equal(0L, heldAfterRefusal);
        Assert.Equal(HttpStatusCode.Created, withReason.StatusCode);
        Assert.EndsWith("outside the region's policy, because: Enige plek met de juiste specialisatie",
            await market.ScalarAsync<string>("SELECT detail FROM audit_log WHERE action = 'hold-placed' ORDER BY id DESC LIMIT 1"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoBrowsersClickingPlusOneFiftyTimesEachAtOnce_FreeExactlyAHundredUnits(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 0);
        (await market.Provider.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity",
            new { totalUnits = offering.HeldUnits + 150, occupiedUnits = 150 })).EnsureSuccessStatusCode();
        var before = await market.FactsAsync(offering.Id);
        var browsers = new[]
        {
            await People.SignedInAsync(market, Silo.Access.Roles.Provider, MarketScenario.Region),
            await People.SignedInAsync(market, Silo.Access.Roles.Provider, MarketScenario.Region),
        };

        var clicks = await Task.WhenAll(browsers.Select(async browser =>
        {
            var token = await People.AntiforgeryTokenAsync(browser);
            return await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => browser.PostAsync("/aanbieder?handler=Step",
                new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["offeringId"] = offering.Id.ToString(), ["step"] = "1", ["__RequestVerificationToken"] = token,
                }))));
        }));

        Assert.All(clicks.SelectMany(c => c), click => Assert.Equal(HttpStatusCode.Redirect, click.StatusCode));
        var after = await market.FactsAsync(offering.Id);
        Assert.Equal(before.OccupiedUnits - 100, after.OccupiedUnits);
        Assert.Equal(before.TotalUnits, after.TotalUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ATamperedForeignOrSpentSheetPlan_ChangesNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        var owner = await People.SignedInAsync(market, Silo.Access.Roles.Provider, MarketScenario.Region);
        var stranger = await People.SignedInAsync(market, Silo.Access.Roles.Provider, MarketScenario.OtherRegion);
        var sheet = (await owner.GetStringAsync("/aanbieder/bestand?handler=Csv")).TrimStart('\uFEFF');
        var edited = Regex.Replace(sheet, $"^({offering.Id};[^;\\n]*;[^;\\n]*;){offering.TotalUnits};",
            m => $"{m.Groups[1].Value}{offering.TotalUnits + 2};", RegexOptions.Multiline);
        var plan = CapacitySheetTests.PlanInput().Match(await CapacitySheetTests.UploadAsync(owner, edited)).Groups[1].Value;
        var forged = JsonSerializer.Serialize(new[] { new { OfferingId = offering.Id, Total = int.MaxValue, Occupied = 0, Version = offering.Version } });
        var versions = await market.ScalarAsync<long>("SELECT sum(version) FROM offerings");

        var forgedApply = await ApplyAsync(owner, forged);
        var unknownApply = await ApplyAsync(owner, Guid.NewGuid().ToString());
        var strangersApply = await ApplyAsync(stranger, plan);
        var versionsAfterAttempts = await market.ScalarAsync<long>("SELECT sum(version) FROM offerings");
        var ownApply = await ApplyAsync(owner, plan);
        var totalAfterApply = (await market.FactsAsync(offering.Id)).TotalUnits;
        var againApply = await ApplyAsync(owner, plan);

        Assert.Contains("Er is niets om toe te passen", await forgedApply.Content.ReadAsStringAsync());
        Assert.Contains("Er is niets toegepast", await unknownApply.Content.ReadAsStringAsync());
        Assert.Contains("Er is niets toegepast", await strangersApply.Content.ReadAsStringAsync());
        Assert.Equal(versions, versionsAfterAttempts);
        Assert.Equal(HttpStatusCode.Redirect, ownApply.StatusCode);
        Assert.Equal(offering.TotalUnits + 2, totalAfterApply);
        Assert.Contains("Er is niets toegepast", await againApply.Content.ReadAsStringAsync());
        Assert.Equal(offering.TotalUnits + 2, (await market.FactsAsync(offering.Id)).TotalUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CountsBeyondTheApisLimits_AreNeverStored_ThroughAnyDoor(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);

        var put = await market.Provider.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity", new { totalUnits = int.MaxValue, occupiedUnits = 0 });
        var feed = await market.Provider.PutAsJsonAsync("/api/v1/providers/me/capacity",
            new { offerings = new[] { new { offeringId = offering.Id, totalUnits = int.MaxValue, occupiedUnits = 0 } } });
        var nullRow = await market.Provider.PutAsync("/api/v1/providers/me/capacity",
            new StringContent("{\"offerings\":[null]}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("units-out-of-range", (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal("invalid", (await feed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0].GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, nullRow.StatusCode);
        Assert.Equal(offering.TotalUnits, (await market.FactsAsync(offering.Id)).TotalUnits);
        Assert.True(await market.ScalarAsync<long>("SELECT max(total_units) FROM offerings") <= Silo.Offerings.CapacityFigures.MaxUnits);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACaseworker_GroupsOnlyTheirOwnChildren_AndCannotJoinAnotherFamilysGroup(string provider)
    {
        var market = await markets.ForAsync(provider);
        var rotterdam = await market.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @Region ORDER BY name LIMIT 1",
            new { MarketScenario.Region });
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-FAM-0001", siblingGroup: "RIJ-FAM-0001-G"));
        var first = await People.SignedInAsync(market, Silo.Access.Roles.Caseworker, MarketScenario.Region);
        var second = await People.SignedInAsync(market, Silo.Access.Roles.Caseworker, MarketScenario.OtherRegion);

        Assert.All(new[]
        {
            await FileAsync(first, "GI-FAM-A1", "FAMILIE-1", rotterdam), await FileAsync(first, "GI-FAM-A2", "FAMILIE-1", rotterdam),
            await FileAsync(second, "GI-FAM-B1", "FAMILIE-1", rotterdam), await FileAsync(second, "GI-FAM-B2", "RIJ-FAM-0001-G", rotterdam),
        }, filed => Assert.Equal(HttpStatusCode.Redirect, filed.StatusCode));

        async Task<string?> GroupOf(string reference) =>
            (await market.Database.QueryAsync<string?>("SELECT sibling_group FROM requests WHERE case_reference LIKE '%:' || @reference", new { reference })).Single();
        Assert.NotNull(await GroupOf("GI-FAM-A1"));
        Assert.Equal(await GroupOf("GI-FAM-A1"), await GroupOf("GI-FAM-A2"));
        Assert.NotEqual(await GroupOf("GI-FAM-A1"), await GroupOf("GI-FAM-B1"));
        Assert.NotEqual("RIJ-FAM-0001-G", await GroupOf("GI-FAM-B2"));
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE sibling_group = 'RIJ-FAM-0001-G'"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACaseReference_IsRefusedOnlyWithinTheFilersOwnInstitution_SoNoCaseworkerLearnsOfAnothersChild(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var rotterdam = await market.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @Region ORDER BY name LIMIT 1",
            new { MarketScenario.Region });
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var first = await People.SignedInAsync(market, Silo.Access.Roles.Caseworker, MarketScenario.Region);
        var second = await People.SignedInAsync(market, Silo.Access.Roles.Caseworker, MarketScenario.OtherRegion);
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "GI-SAME-0001"));

        var byFirst = await FileAsync(first, "GI-SAME-0001", null, rotterdam);
        var bySecond = await FileAsync(second, "GI-SAME-0001", null, rotterdam);
        var byFirstAgain = await FileAsync(first, "GI-SAME-0001", null, rotterdam);

        Assert.NotEqual(await InstitutionAsync(market, MarketScenario.Region), await InstitutionAsync(market, MarketScenario.OtherRegion));
        Assert.Equal(HttpStatusCode.Redirect, byFirst.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, bySecond.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byFirstAgain.StatusCode);
        Assert.Contains("dit dossiernummer is al in gebruik", (await byFirstAgain.Content.ReadAsStringAsync()).ToLowerInvariant());
        Assert.Equal(3L, await market.ScalarAsync<long>(
            "SELECT count(*) FROM requests WHERE region_code = @Region AND case_reference LIKE '%GI-SAME-0001'", new { MarketScenario.Region }));
    }

    private static Task<Guid> InstitutionAsync(MarketScenario market, string region) =>
        market.ScalarAsync<Guid>("SELECT organisation_id FROM users WHERE role = 'caseworker' AND region_code = @region AND is_demo = true", new { region });

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ANarrowlyScopedToken_Gets401AtEveryPage_AndTheHubOnlyWithEventsRead(string provider)
    {
        var market = await markets.ForAsync(provider);
        var doors = await Security.Doors.OpenAsync(market);
        var capacityOnly = await TokenAsync(market, "capacity:read");
        var events = await TokenAsync(market, "events:read");
        var wrong = new List<string>();

        foreach (var door in AuthorisationMatrixTests.Pages)
        {
            var path = await door.Path(doors);
            // The operators' dashboard and metrics are not pages: they refuse any but an administrator (OperationsTests).
            if (path.StartsWith("/ops/", StringComparison.Ordinal) || path == "/metrics") continue;
            // An identity provider's back-channel logout takes no session and no bearer token, only its signed logout
            // token (OrganisationSessionTests).
            if (path.StartsWith("/signin-oidc/", StringComparison.Ordinal)) continue;
            using var request = new HttpRequestMessage(new HttpMethod(door.Verb), path);
            if (door.Verb == "POST") request.Content = new FormUrlEncodedContent(door.Form is null ? [] : await door.Form(doors));
            var response = await capacityOnly.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Unauthorized) wrong.Add($"{door.Verb} {path}: {(int)response.StatusCode}");
        }
        var hubWithoutScope = await capacityOnly.PostAsync("/hubs/availability/negotiate?negotiateVersion=1", null);
        var hubWithScope = await events.PostAsync("/hubs/availability/negotiate?negotiateVersion=1", null);

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal(HttpStatusCode.Forbidden, hubWithoutScope.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hubWithScope.StatusCode);
    }

    /// <summary>A desk system of the region whose token has only these scopes.</summary>
    private static async Task<HttpClient> TokenAsync(MarketScenario market, string scopes)
    {
        var token = $"mm_test_{Guid.NewGuid():N}";
        await market.ExecuteAsync("""
            INSERT INTO api_clients (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at)
            VALUES (@id, 'Smal systeem', @hash, 'desk', @Region, NULL, @scopes, false, @now)
            """, new { id = Guid.NewGuid(), hash = Silo.Access.ApiTokens.Hash(token), MarketScenario.Region, scopes, now = DateTimeOffset.UtcNow });
        return market.Client(token);
    }

    private static async Task<HttpResponseMessage> FileAsync(HttpClient caseworker, string caseReference, string? siblingGroup, Guid municipality)
    {
        var form = new Dictionary<string, string>
        {
            ["Form.CaseReference"] = caseReference, ["Form.MeasureType"] = "ots", ["Form.MeasureStart"] = MarketScenario.InDays(-20),
            ["Form.Urgency"] = "urgent", ["Form.CareType"] = "foster-long", ["Form.BirthMonth"] = DateTime.UtcNow.AddYears(-9).ToString("yyyy-MM"),
            ["Form.Gender"] = "f", ["Form.HomePc4"] = "3011", ["Form.Municipality"] = municipality.ToString(), ["Form.MaxDistanceKm"] = "40",
            ["Form.SiblingGroup"] = siblingGroup ?? "",
            ["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await caseworker.GetStringAsync("/jeugdbeschermer/aanvraag")),
        };
        return await caseworker.PostAsync("/jeugdbeschermer/aanvraag", new FormUrlEncodedContent(form));
    }

    private static async Task<HttpResponseMessage> ApplyAsync(HttpClient browser, string plan) =>
        await browser.PostAsync("/aanbieder/bestand?handler=Apply", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["plan"] = plan, ["__RequestVerificationToken"] = await People.AntiforgeryTokenAsync(browser),
        }));
}
