using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>
/// Issue 21 item 5 for systems: a GI's system follows the children it filed through /api/v1 (information, urgency with
/// a reason on the version read, withdrawal with a reason), each with its own scope; anyone else's child is 404 and
/// stays as it was; the grain's rules answer as ProblemDetails with their code.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFormsCollection.Name)]
public sealed class FollowUpApiTests(SharedMarket markets)
{
    private const string AllFollowUp = "follow-up:inform follow-up:urgency follow-up:withdraw";

    private static string Followed(Guid child) => $"/api/v1/caseworkers/me/requests/{child}";

    /// <summary>A caseworker's system (a GI's case system) with these scopes; its id is the caseworker the requests name.</summary>
    private static async Task<(HttpClient Client, Guid Id)> CaseworkerSystemAsync(MarketScenario market, string scopes, string region = MarketScenario.Region)
    {
        var token = $"mm_test_{Guid.NewGuid():N}";
        var id = Guid.NewGuid();
        await market.ExecuteAsync("""
            INSERT INTO api_clients (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at)
            VALUES (@id, 'GI-koppeling', @hash, 'caseworker', @region, NULL, @scopes, false, @now)
            """, new { id, hash = Silo.Access.ApiTokens.Hash(token), region, scopes, now = DateTimeOffset.UtcNow });
        return (market.Client(token), id);
    }

    /// <summary>A waiting child of the scenario's region, filed by that caseworker system.</summary>
    private static async Task<Guid> ChildOfAsync(MarketScenario market, Guid caseworker)
    {
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var child = await market.RegisterAsync(MarketScenario.ChildFor(offering, $"FUA-{Guid.NewGuid():N}"[..16]));
        await market.ExecuteAsync("UPDATE requests SET caseworker_id = @caseworker WHERE id = @child", new { caseworker, child });
        return child;
    }

    private static Task<long> NotesAsync(MarketScenario market, Guid child) =>
        market.ScalarAsync<long>("SELECT count(*) FROM request_notes WHERE request_id = @child", new { child });

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("code", out var code) ? code.GetString() : null;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheFilingSystem_AddsInformation_ChangesUrgencyOnTheVersionItRead_AndWithdraws(string provider)
    {
        var market = await markets.ForAsync(provider);
        var (gi, id) = await CaseworkerSystemAsync(market, AllFollowUp);
        var child = await ChildOfAsync(market, id);

        var read = await gi.GetFromJsonAsync<JsonElement>(Followed(child));
        var version = read.GetProperty("version").GetInt64();
        var informed = await gi.PostAsJsonAsync($"{Followed(child)}/information", new { text = "Vader is bereikbaar op werkdagen." });
        var afterInformation = (await informed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();
        // The version read before the information is stale now: the change is refused, never overwritten.
        var stale = await gi.PutAsJsonAsync($"{Followed(child)}/urgency", new { urgency = "crisis", reason = "Thuis onveilig", version });
        var changed = await gi.PutAsJsonAsync($"{Followed(child)}/urgency", new { urgency = "crisis", reason = "Thuis onveilig", version = afterInformation });
        var withdrawn = await gi.PostAsJsonAsync($"{Followed(child)}/withdrawal", new { reason = "placed-elsewhere" });
        var again = await gi.PostAsJsonAsync($"{Followed(child)}/withdrawal", new { reason = "placed-elsewhere" });

        Assert.Equal("urgent", read.GetProperty("urgency").GetString());
        Assert.Equal("open", read.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Created, informed.StatusCode);
        Assert.Equal(version + 1, afterInformation);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("request-changed", await CodeOf(stale));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(afterInformation + 1, (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("request-not-open", await CodeOf(again));
        Assert.Equal("crisis", await market.ScalarAsync<string>("SELECT urgency FROM requests WHERE id = @child", new { child }));
        Assert.Equal("withdrawn", await market.ScalarAsync<string>("SELECT status FROM requests WHERE id = @child", new { child }));
        Assert.Equal(2, await NotesAsync(market, child));
        Assert.Equal(1, await market.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'request-withdrawn' AND subject_id = @child AND detail = 'reason: placed-elsewhere'",
            new { child = child.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnotherCaseworkersSystem_FindsNothing_AndChangesNothing_EvenInTheSameRegion(string provider)
    {
        var market = await markets.ForAsync(provider);
        var (_, owner) = await CaseworkerSystemAsync(market, AllFollowUp);
        var (stranger, _) = await CaseworkerSystemAsync(market, AllFollowUp + " follow-up:read");
        var child = await ChildOfAsync(market, owner);
        var before = await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child });

        var answers = new[]
        {
            await stranger.GetAsync(Followed(child)),
            await stranger.PostAsJsonAsync($"{Followed(child)}/information", new { text = "Niet van mij" }),
            await stranger.PutAsJsonAsync($"{Followed(child)}/urgency", new { urgency = "crisis", reason = "Niet van mij", version = before }),
            await stranger.PostAsJsonAsync($"{Followed(child)}/withdrawal", new { reason = "duplicate" }),
            // A child that does not exist answers the same: the stranger cannot tell the two apart.
            await stranger.GetAsync(Followed(Guid.NewGuid())),
        };

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode));
        var problems = new List<string>();
        foreach (var answer in answers)
        {
            var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();
            problems.Add($"{problem.GetProperty("title")} {problem.GetProperty("detail")} {problem.GetProperty("code")}");
        }
        Assert.Single(problems.Distinct());
        Assert.Equal(before, await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child }));
        Assert.Equal("open", await market.ScalarAsync<string>("SELECT status FROM requests WHERE id = @child", new { child }));
        Assert.Equal(0, await NotesAsync(market, child));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EachChangeNeedsItsOwnScope_AnyFollowUpScopeReads(string provider)
    {
        var market = await markets.ForAsync(provider);
        var (informer, id) = await CaseworkerSystemAsync(market, "follow-up:inform");
        var child = await ChildOfAsync(market, id);
        var version = await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child });

        var read = await informer.GetAsync(Followed(child));
        var urgency = await informer.PutAsJsonAsync($"{Followed(child)}/urgency", new { urgency = "crisis", reason = "Thuis onveilig", version });
        var withdrawal = await informer.PostAsJsonAsync($"{Followed(child)}/withdrawal", new { reason = "duplicate" });
        var desk = await market.Desk.GetAsync(Followed(child));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, urgency.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withdrawal.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, desk.StatusCode);
        Assert.Equal(version, await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARetryWithTheSameKey_AddsNoSecondNote_AndTheKeyCannotStandForOtherText(string provider)
    {
        var market = await markets.ForAsync(provider);
        var (gi, id) = await CaseworkerSystemAsync(market, AllFollowUp);
        var child = await ChildOfAsync(market, id);
        async Task<HttpResponseMessage> SendAsync(string text)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{Followed(child)}/information") { Content = JsonContent.Create(new { text }) };
            request.Headers.Add("Idempotency-Key", "b1e4a2c0-informatie-1");
            return await gi.SendAsync(request);
        }

        var first = await SendAsync("De rechter verlengt de OTS.");
        var retry = await SendAsync("De rechter verlengt de OTS.");
        var other = await SendAsync("Iets anders.");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("idempotency-key-reused", await CodeOf(other));
        Assert.Equal(1, await NotesAsync(market, child));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BadInput_NamesTheField_WithTheGrainsRule_AndChangesNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var (gi, id) = await CaseworkerSystemAsync(market, AllFollowUp);
        var child = await ChildOfAsync(market, id);
        var version = await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child });

        var cases = new (HttpResponseMessage Answer, string Field)[]
        {
            (await gi.PostAsJsonAsync($"{Followed(child)}/information", new { text = "  " }), "text"),
            (await gi.PostAsJsonAsync($"{Followed(child)}/information", new { text = "Vader\u202E belt" }), "text"),
            (await gi.PostAsJsonAsync($"{Followed(child)}/information", new { text = new string('x', Silo.Requests.RequestGrain.MaxInformationLength + 1) }), "text"),
            (await gi.PutAsJsonAsync($"{Followed(child)}/urgency", new { urgency = "crisis", version }), "reason"),
            (await gi.PutAsJsonAsync($"{Followed(child)}/urgency", new { urgency = "heel erg", reason = "Thuis onveilig", version }), "urgency"),
            (await gi.PutAsJsonAsync($"{Followed(child)}/urgency", new { urgency = "urgent", reason = "Thuis onveilig", version }), "urgency"),
            (await gi.PutAsJsonAsync($"{Followed(child)}/urgency", new { urgency = "crisis", reason = "Thuis onveilig" }), "version"),
            (await gi.PostAsJsonAsync($"{Followed(child)}/withdrawal", new { reason = "verhuisd" }), "reason"),
            (await gi.PostAsJsonAsync($"{Followed(child)}/withdrawal", new { }), "reason"),
        };

        foreach (var (answer, field) in cases)
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("invalid-input", problem.GetProperty("code").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }
        Assert.Equal(version, await market.ScalarAsync<long>("SELECT version FROM requests WHERE id = @child", new { child }));
        Assert.Equal(0, await NotesAsync(market, child));
    }
}
