using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>Bad input answers 400 with a ProblemDetails that names each field, and changes nothing.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFlowsCollection.Name)]
public sealed class ValidationTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Capacity_WithNegativeOrInconsistentCounts_IsRefusedFieldByField(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);

        var negative = await Problem(await market.Provider.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity", new { totalUnits = -1, occupiedUnits = -2 }));
        var above = await Problem(await market.Provider.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity", new { totalUnits = 2, occupiedUnits = 3 }));
        var wrongType = await Problem(await market.Provider.PutAsync($"/api/v1/offerings/{offering.Id}/capacity",
            new StringContent("""{ "totalUnits": "many", "occupiedUnits": 1 }""", Encoding.UTF8, "application/json")));
        var malformed = await market.Provider.PutAsync($"/api/v1/offerings/{offering.Id}/capacity", new StringContent("{ totalUnits", Encoding.UTF8, "application/json"));
        var twice = await Problem(await market.Provider.PutAsync($"/api/v1/offerings/{offering.Id}/capacity",
            new StringContent("""{ "totalUnits": 5, "totalUnits": 0, "occupiedUnits": 0 }""", Encoding.UTF8, "application/json")));

        Assert.True(negative.GetProperty("errors").TryGetProperty("totalUnits", out _));
        Assert.True(negative.GetProperty("errors").TryGetProperty("occupiedUnits", out _));
        Assert.Contains("occupiedUnits cannot be above totalUnits", above.GetProperty("detail").GetString());
        Assert.True(wrongType.GetProperty("errors").TryGetProperty("totalUnits", out _));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.True(twice.GetProperty("errors").TryGetProperty("totalUnits", out _));
        Assert.Equal(offering.Version, (await market.FactsAsync(offering.Id)).Version);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Requests_WithMissingUnknownOrOutOfRangeFields_AreRefused_AndNothingIsStored(string provider)
    {
        var market = await markets.ForAsync(provider);
        var before = await market.ScalarAsync<long>("SELECT count(*) FROM requests");

        var response = await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests", new
        {
            caseReference = "123456789",
            measureType = "ots",
            measureStart = DateTime.UtcNow.AddDays(5).ToString("yyyy-MM-dd"),
            urgency = "whenever",
            careType = "spa",
            needs = new[] { "lvb", "astrology" },
            needsSecure = false,
            birthMonth = "2031-01",
            gender = "q",
            homePc4 = "123",
            homeLat = 10.0,
            homeLon = 4.5,
            maxDistanceKm = 0,
        });
        var problem = await Problem(response);
        var errors = problem.GetProperty("errors");

        foreach (var field in new[] { "caseReference", "measureStart", "urgency", "careType", "needs[1]", "birthMonth", "gender", "homePc4", "homeLat", "maxDistanceKm" })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        Assert.Contains("BSN", errors.GetProperty("caseReference")[0].GetString());
        Assert.Equal(before, await market.ScalarAsync<long>("SELECT count(*) FROM requests"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AChildTheMeasureOrCareTypeCannotBeFor_IsRefusedOnThatField_AndNothingIsStored(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var before = await market.ScalarAsync<long>("SELECT count(*) FROM requests");

        // A toddler under jeugdreclassering, waiting for a moeder-kindhuis as a boy.
        var child = JsonSerializer.SerializeToNode(MarketScenario.ChildFor(offering, "VAL-AGE-1"), JsonSerializerOptions.Web)!.AsObject();
        child["measureType"] = "juvenile-probation";
        child["birthMonth"] = DateTime.UtcNow.AddYears(-2).ToString("yyyy-MM");
        child["careType"] = "mother-child-home";
        child["gender"] = "m";
        var problem = await Problem(await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/requests",
            new StringContent(child.ToJsonString(), Encoding.UTF8, "application/json")));
        var errors = problem.GetProperty("errors");

        Assert.Contains("Jeugdreclassering", errors.GetProperty("measureType")[0].GetString());
        Assert.Contains("vanaf 12 jaar", errors.GetProperty("careType")[0].GetString());
        Assert.Contains("jonge moeder", errors.GetProperty("gender")[0].GetString());
        Assert.Equal(before, await market.ScalarAsync<long>("SELECT count(*) FROM requests"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACaseReferenceOrPostcodeArea_EndingInALineBreak_IsRefused_AndNothingIsStored(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var before = await market.ScalarAsync<long>("SELECT count(*) FROM requests");

        var child = JsonSerializer.SerializeToNode(MarketScenario.ChildFor(offering, "VAL-NL\n"), JsonSerializerOptions.Web)!.AsObject();
        child["homePc4"] = "3011\n";
        var problem = await Problem(await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/requests",
            new StringContent(child.ToJsonString(), Encoding.UTF8, "application/json")));

        Assert.True(problem.GetProperty("errors").TryGetProperty("caseReference", out _), problem.ToString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("homePc4", out _), problem.ToString());
        Assert.Equal(before, await market.ScalarAsync<long>("SELECT count(*) FROM requests"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task HoldsAndAnswers_WithoutTheirFields_AreRefused(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "VAL-0001"));
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();

        var noRequest = await Problem(await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { }));
        var noStart = await Problem(await market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/accept", new { }));
        var badReason = await Problem(await market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/decline", new { reason = "bored" }));
        var otherWithoutNote = await Problem(await market.Provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/decline", new { reason = "other" }));

        Assert.True(noRequest.GetProperty("errors").TryGetProperty("requestId", out _));
        Assert.True(noStart.GetProperty("errors").TryGetProperty("startDate", out _));
        Assert.True(badReason.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.True(otherWithoutNote.GetProperty("errors").TryGetProperty("note", out _));
        Assert.Equal("active", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ABodyLeftOutOrAQueryValueThatIsNoValue_IsRefusedNamingIt_WithoutTheFrameworksWords(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        const string Availability = $"/api/v1/regions/{MarketScenario.Region}/availability";

        var answers = new List<(string Field, HttpResponseMessage Answer)>
        {
            ("body", await market.Provider.PutAsync($"/api/v1/offerings/{offering.Id}/capacity", new StringContent("null", Encoding.UTF8, "application/json"))),
            ("page", await market.Desk.GetAsync($"{Availability}?page=abc")),
            ("freeOnly", await market.Desk.GetAsync($"{Availability}?freeOnly=maybe")),
            // The framework's message quotes the value: a value saying "body" is still about its parameter.
            ("freeOnly", await market.Desk.GetAsync($"{Availability}?freeOnly=nobody")),
        };
        var empty = await market.Desk.PostAsync($"/api/v1/offerings/{offering.Id}/holds", new StringContent("", Encoding.UTF8, "application/json"));
        var tooFar = await Problem(await market.Desk.GetAsync($"{Availability}?page=100001"));

        foreach (var (field, answer) in answers)
        {
            var problem = await Problem(answer);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), field);
            Assert.DoesNotContain("parameter", problem.GetRawText());
            Assert.DoesNotContain("Nullable", problem.GetRawText());
        }
        Assert.True((await Problem(empty)).GetProperty("errors").TryGetProperty("body", out _));
        Assert.Contains("100000", tooFar.GetProperty("errors").GetProperty("page")[0].GetString());
        Assert.Equal(offering.Version, (await market.FactsAsync(offering.Id)).Version);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnEmptyCareType_MeansEveryCareType_OnAvailabilityAsOnTheFigures_WhileAnUnknownOneIsRefused(string provider)
    {
        var market = await markets.ForAsync(provider);
        const string Availability = $"/api/v1/regions/{MarketScenario.Region}/availability";

        var withEmpty = await market.Desk.GetFromJsonAsync<JsonElement>($"{Availability}?careType=&pageSize=1");
        var without = await market.Desk.GetFromJsonAsync<JsonElement>($"{Availability}?pageSize=1");
        var unknown = await Problem(await market.Desk.GetAsync($"{Availability}?careType=kasteel"));

        Assert.Equal(without.GetProperty("total").GetInt32(), withEmpty.GetProperty("total").GetInt32());
        Assert.True(unknown.GetProperty("errors").TryGetProperty("careType", out _));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARequestStoredBeforeARule_StaysEditableElsewhere_ButAnEditOfWhatTheRuleIsAboutMeetsIt(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, $"VAL-{Guid.NewGuid():N}"[..12]));
        var path = $"/api/v1/regions/{MarketScenario.Region}/requests/{child}";
        // Stored before the eligibility and BSN rules: an adult under OTS, a BSN in the child's wishes.
        await market.ExecuteAsync("UPDATE requests SET birth_month = @born, child_wishes = 'BSN 123456782' WHERE id = @child",
            new { born = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-20), child });

        var elsewhere = await market.Desk.PatchAsJsonAsync(path, new { maxDistanceKm = 61 });
        var measure = await market.Desk.PatchAsJsonAsync(path, new { measureType = "guardianship" });
        var wishes = await market.Desk.PatchAsJsonAsync(path, new { childWishes = "Nieuw: bsn 1234.56.782" });

        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal(61, await market.ScalarAsync<int>("SELECT max_distance_km FROM requests WHERE id = @child", new { child }));
        Assert.True((await Problem(measure)).GetProperty("errors").TryGetProperty("measureType", out _));
        Assert.True((await Problem(wishes)).GetProperty("errors").TryGetProperty("childWishes", out _));
        Assert.Equal("ots", await market.ScalarAsync<string>("SELECT measure_type FROM requests WHERE id = @child", new { child }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnEditThatChangesNothing_WritesNothing_WhileARealOneIsRecorded(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, $"VAL-{Guid.NewGuid():N}"[..12]));
        var path = $"/api/v1/regions/{MarketScenario.Region}/requests/{child}";
        const string Edits = "SELECT count(*) FROM audit_log WHERE action = 'request-edited' AND subject_id = @subject";
        var subject = child.ToString();

        var nothing = await market.Desk.PatchAsJsonAsync(path, new { });
        var same = await market.Desk.PatchAsJsonAsync(path, new { maxDistanceKm = await market.ScalarAsync<int>("SELECT max_distance_km FROM requests WHERE id = @child", new { child }) });
        var versionAfterNothing = await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child });
        var editsAfterNothing = await market.ScalarAsync<long>(Edits, new { subject });
        var real = await market.Desk.PatchAsJsonAsync(path, new { maxDistanceKm = 77 });

        Assert.Equal(HttpStatusCode.OK, nothing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(1L, versionAfterNothing);
        Assert.Equal(0L, editsAfterNothing);
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.Equal(2L, await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child }));
        Assert.Equal(1L, await market.ScalarAsync<long>(Edits, new { subject }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ABirthMonthAsARequestIsRead_CanBeSentBack_ButABirthDateIsRefused(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, $"VAL-{Guid.NewGuid():N}"[..12]));
        var path = $"/api/v1/regions/{MarketScenario.Region}/requests/{child}";
        var read = (await market.Desk.GetFromJsonAsync<JsonElement>(path)).GetProperty("birthMonth").GetString()!;
        var earlier = DateOnly.ParseExact(read, "yyyy-MM-dd").AddMonths(-1);

        var asRead = await market.Desk.PatchAsJsonAsync(path, new { birthMonth = read });
        var versionAfterAsRead = await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child });
        var sentBack = await market.Desk.PatchAsJsonAsync(path, new { birthMonth = read, maxDistanceKm = 61 });
        var firstDay = await market.Desk.PatchAsJsonAsync(path, new { birthMonth = earlier.ToString("yyyy-MM-dd") });
        var birthDate = await market.Desk.PatchAsJsonAsync(path, new { birthMonth = earlier.AddDays(14).ToString("yyyy-MM-dd") });

        Assert.EndsWith("-01", read);
        Assert.Equal(HttpStatusCode.OK, asRead.StatusCode);
        Assert.Equal(1L, versionAfterAsRead);
        Assert.Equal(HttpStatusCode.OK, sentBack.StatusCode);
        Assert.Equal(HttpStatusCode.OK, firstDay.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, birthDate.StatusCode);
        Assert.True((await birthDate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("birthMonth", out _));
        Assert.Equal(earlier.ToString("yyyy-MM-dd"), (await market.Desk.GetFromJsonAsync<JsonElement>(path)).GetProperty("birthMonth").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnEditWithTheTagItRead_IsRefusedWith412OnceTheFieldsChanged_ButNotForAHoldMeanwhile(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, $"VAL-{Guid.NewGuid():N}"[..12]));
        var path = $"/api/v1/regions/{MarketScenario.Region}/requests/{child}";
        var tag = (await market.Desk.GetFromJsonAsync<JsonElement>(path)).GetProperty("editTag").GetString();
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId = child });

        var first = await EditAsync(market.Desk, path, $"\"{tag}\"", new { urgency = "crisis" });
        var stale = await EditAsync(market.Desk, path, $"\"{tag}\"", new { urgency = "regular", maxDistanceKm = 33 });
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        var current = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("editTag").GetString();
        var weak = await EditAsync(market.Desk, path, $"W/\"{current}\"", new { maxDistanceKm = 34 });
        var unquoted = await EditAsync(market.Desk, path, $"{current}", new { maxDistanceKm = 34 });
        var sameAsNow = await EditAsync(market.Desk, path, $"\"{tag}\"", new { urgency = "crisis" });
        var listed = await EditAsync(market.Desk, path, $"\"{tag}\", \"{current}\"", new { maxDistanceKm = 35 });

        Assert.Equal(HttpStatusCode.Created, hold.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)412, stale.StatusCode);
        Assert.Equal("request-edited-meanwhile", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("editTag", out _));
        Assert.Equal((HttpStatusCode)412, weak.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unquoted.StatusCode);
        Assert.True((await unquoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("If-Match", out _));
        Assert.Equal(HttpStatusCode.OK, sameAsNow.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal("crisis|35", await market.ScalarAsync<string>("SELECT urgency || '|' || max_distance_km FROM requests WHERE id = @child", new { child }));
    }

    private static async Task<HttpResponseMessage> EditAsync(HttpClient desk, string path, string ifMatch, object patch)
    {
        using var edit = new HttpRequestMessage(HttpMethod.Patch, path) { Content = JsonContent.Create(patch) };
        edit.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await desk.SendAsync(edit);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ADirectionChangingCharacter_IsRefusedInAWebhookAddress_AndNamedInDutchInAChildsWishes(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var hooksBefore = await market.ScalarAsync<long>("SELECT count(*) FROM webhook_subscriptions");

        var hook = await Problem(await market.Desk.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example/\u202Egnp.exe" }));
        var child = JsonSerializer.SerializeToNode(MarketScenario.ChildFor(offering, $"VAL-{Guid.NewGuid():N}"[..12]))!.AsObject();
        child["childWishes"] = "Dicht bij \u202Eschool";
        var wishes = await Problem(await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests", child));

        Assert.True(hook.GetProperty("errors").TryGetProperty("url", out _));
        Assert.Equal("webhook-url-not-allowed", hook.GetProperty("code").GetString());
        Assert.Equal(hooksBefore, await market.ScalarAsync<long>("SELECT count(*) FROM webhook_subscriptions"));
        Assert.StartsWith("De tekst bij de wensen van het kind bevat", wishes.GetProperty("errors").GetProperty("childWishes")[0].GetString());
    }

    [Fact]
    public async Task EveryApiResponse_CarriesTheApiVersion_AndTheOpenApiDocumentIsPublic()
    {
        var market = await markets.ForAsync("sqlite");
        var anonymous = market.App.CreateClient();

        var document = await anonymous.GetAsync("/api/v1/openapi.json");
        var alias = await anonymous.GetAsync("/openapi/v1.json");
        var unauthorised = await anonymous.GetAsync("/api/v1/me");
        using var json = JsonDocument.Parse(await document.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
        Assert.Equal("1.0.0", json.RootElement.GetProperty("info").GetProperty("version").GetString());
        Assert.True(json.RootElement.GetProperty("info").GetProperty("contact").TryGetProperty("email", out _));
        Assert.EndsWith("/v1", json.RootElement.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.True(json.RootElement.GetProperty("paths").TryGetProperty("/regions/{regionCode}/availability", out _)
            || json.RootElement.GetProperty("paths").TryGetProperty("/api/v1/regions/{regionCode}/availability", out _));
        Assert.Equal("*", document.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("getOpenApiDocument", json.RootElement.GetProperty("paths").GetProperty("/openapi.json").GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("1.0.0", unauthorised.Headers.GetValues("API-Version").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
