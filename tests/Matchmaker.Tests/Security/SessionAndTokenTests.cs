using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Security;

/// <summary>Sessions and tokens end when what they stand for ends; guessing is slowed down; a foreign site cannot post with a cookie.</summary>
// A market of its own: its wrong passwords and guessed tokens would use up the failures a client address may have
// in a minute (RateLimiting:FailuresPerMinute) for the other classes of a shared one.
[Trait(Lane.Name, Lane.Integration)]
public sealed class SessionAndTokenTests(SharedMarket markets) : IClassFixture<SharedMarket>
{
    private const string Rounds = $"/api/v1/regions/{MarketScenario.Region}/matching-rounds";
    // A desk user of its own for each test (xunit makes a new instance per test): the tests share a market.
    private readonly string Email = $"bemiddelaar-{Guid.NewGuid():N}@rijnmond.example";
    private const string Password = "a long enough password";

    [Fact]
    public async Task TheSignInPage_WithoutAnIdentityProvider_OffersNoOrganisationSignIn()
    {
        var market = await markets.ForAsync("sqlite");

        var page = await People.Browser(market).GetStringAsync("/account/sign-in");
        var start = await People.Browser(market).GetAsync($"/account/organisation/{OrganisationSignInFixture.Name}");

        Assert.Contains("Met e-mailadres en wachtwoord", page);
        Assert.DoesNotContain("Inloggen via uw organisatie", page);
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
    }

    [Fact]
    public async Task ADemoCookie_AfterARestartWithDemoModeOff_ReadsAndChangesNothing_AndNoDemoAccountIsLeft()
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        string cookie;
        await using (var demo = new MatchmakerWebFactory(database))
        {
            cookie = await SessionCookieAsync(demo, MarketScenario.Region);
            Assert.Equal(HttpStatusCode.OK, (await WithCookie(demo.CreateClient(), cookie).GetAsync($"/api/v1/regions/{MarketScenario.Region}/requests")).StatusCode);
        }
        await using var production = new MatchmakerWebFactory(database, demo: false);
        var stolen = WithCookie(production.CreateClient(), cookie);

        var read = await stolen.GetAsync($"/api/v1/regions/{MarketScenario.Region}/requests");
        var round = await stolen.PostAsync(Rounds, null);

        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, round.StatusCode);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM users WHERE is_demo = true"));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM api_clients WHERE is_demo = true"));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM matching_rounds"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ASession_EndsAtTheNextChange_WhenTheUserIsDisabledOrTheirRoleChanges(string provider)
    {
        var market = await markets.ForAsync(provider);
        var userId = await AddDeskUserAsync(market.Database);
        var browser = People.Browser(market);
        await SecondStep.SignInAndEnrolAsync(browser, Email, Password);
        var before = await browser.PostAsync(Rounds, null);

        await market.ExecuteAsync("UPDATE users SET role = 'municipality', security_stamp = 'changed' WHERE id = @userId", new { userId });
        var afterRoleChange = await browser.PostAsync(Rounds, null);
        var readAfter = await browser.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRoleChange.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, readAfter.StatusCode);
    }

    [Fact]
    public async Task UsersDisable_EndsTheSession_AndThePasswordNoLongerWorks()
    {
        var market = await markets.ForAsync("sqlite");
        await AddDeskUserAsync(market.Database);
        var browser = People.Browser(market);
        await SecondStep.SignInAndEnrolAsync(browser, Email, Password);

        var disabled = await SiloProcess.RunAsync(["users", "disable", "--email", Email],
            new Dictionary<string, string> { ["Database__Provider"] = "sqlite", ["ConnectionStrings__Matchmaker"] = market.Database.ConnectionString });
        var round = await browser.PostAsync(Rounds, null);
        var again = await SignIn.WithPasswordAsync(People.Browser(market), Email, Password);

        Assert.Equal(0, disabled.Exit);
        Assert.Equal(HttpStatusCode.Unauthorized, round.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'user-disabled'"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AfterFiveWrongPasswords_TheAccountWaits_EvenForTheRightOne_AndAnUnknownAddressIsAnsweredAlike(string provider)
    {
        var market = await markets.ForAsync(provider);
        await AddDeskUserAsync(market.Database);
        for (var i = 0; i < AccountLockoutFreeFailures; i++)
            await SignIn.WithPasswordAsync(People.Browser(market), Email, "wrong password " + i);

        var right = await SignIn.WithPasswordAsync(People.Browser(market), Email, Password);
        var unknown = await SignIn.WithPasswordAsync(People.Browser(market), "niemand@rijnmond.example", "wrong password");

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("Na vijf mislukte pogingen", await right.Content.ReadAsStringAsync());
        Assert.Contains("Na vijf mislukte pogingen", await unknown.Content.ReadAsStringAsync());
        Assert.True(await market.ScalarAsync<DateTimeOffset>("SELECT max(locked_until) FROM sign_in_failures WHERE key LIKE @account", new { account = AccountKey(Email) }) > DateTimeOffset.UtcNow);
    }

    /// <summary>How the throttle names the attempts at an account (from any address): the e-mail address's hash, never the address itself.</summary>
    private static string AccountKey(string email) =>
        $"account:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(email)))[..32]}@%";

    private const int AccountLockoutFreeFailures = 5;

    [Fact]
    public async Task AfterFiveWrongPasswords_UsersListShowsTheWait_AndUsersResetPasswordEndsIt()
    {
        var market = await markets.ForAsync("sqlite");
        await AddDeskUserAsync(market.Database);
        for (var i = 0; i < AccountLockoutFreeFailures; i++)
            await SignIn.WithPasswordAsync(People.Browser(market), Email, "wrong password " + i);
        var environment = new Dictionary<string, string> { ["Database__Provider"] = "sqlite", ["ConnectionStrings__Matchmaker"] = market.Database.ConnectionString };

        var listed = await SiloProcess.RunAsync(["users", "list", "--region", MarketScenario.Region], environment);
        var reset = await SiloProcess.RunAsync(["users", "reset-password", "--email", Email], environment, stdin: "a new long password\n");
        var withTheNewOne = await SignIn.WithPasswordAsync(People.Browser(market), Email, "a new long password");

        Assert.Contains(listed.Stdout.Split('\n'), line => line.StartsWith(Email) && line.Contains("waiting at 1 address(es) until"));
        Assert.Equal(0, reset.Exit);
        Assert.Equal(HttpStatusCode.Redirect, withTheNewOne.StatusCode);
    }

    [Fact]
    public async Task AnAddressThatGuessesTokens_GetsA429WithRetryAfter_ButARightTokenFromThereStillWorks()
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        await using var app = new MatchmakerWebFactory(database);
        await using var strict = app.WithWebHostBuilder(builder => builder.UseSetting("RateLimiting:FailuresPerMinute", "3"));
        HttpClient Client(string token)
        {
            var client = strict.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            guesses.Add((await Client($"mm_guess_{i}").GetAsync("/api/v1/me")).StatusCode);
        var blocked = await Client("mm_guess_4").GetAsync("/api/v1/me");
        var right = await Client(DemoDataGenerator.DemoToken(Roles.Desk, MarketScenario.Region)).GetAsync("/api/v1/me");

        Assert.All(guesses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.NotNull(blocked.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AKnownToken_IsRememberedOnlyWhereTheNodeHearsChanges_AndARevocationEndsItAtOnce(string provider)
    {
        var market = await markets.ForAsync(provider);
        var memory = market.App.Services.GetRequiredService<ApiTokenMemory>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (provider == "postgres" && !memory.Listening && DateTimeOffset.UtcNow < deadline) await Task.Delay(50);
        var token = await AddTokenAsync(market.Database, "capacity:read", DateTimeOffset.UtcNow.AddDays(1));
        var path = $"/api/v1/regions/{MarketScenario.Region}/availability";

        var first = await market.Client(token).GetAsync(path);
        var rememberedAfterUse = memory.Remembered;
        // Revoked behind the node's back, by plain SQL as an operator might: the table's trigger tells the node.
        await market.ExecuteAsync("UPDATE api_clients SET revoked_at = @now WHERE token_hash = @hash", new { now = DateTimeOffset.UtcNow, hash = ApiTokens.Hash(token) });
        var answers = new List<HttpStatusCode>();
        var refused = DateTimeOffset.UtcNow.AddSeconds(2);
        do answers.Add((await market.Client(token).GetAsync(path)).StatusCode);
        while (answers[^1] != HttpStatusCode.Unauthorized && DateTimeOffset.UtcNow < refused);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(provider == "postgres", memory.Listening);
        Assert.True(provider == "postgres" ? rememberedAfterUse > 0 : rememberedAfterUse == 0, $"{rememberedAfterUse} token(s) remembered on {provider}");
        Assert.Equal(HttpStatusCode.Unauthorized, answers[^1]);
        // The notice arrives when the revocation commits: at most a request or two in flight meanwhile, never a minute's worth.
        Assert.True(answers.Count <= 3, $"answered {string.Join(", ", answers)} before refusing");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ATokenThatExpiredOrWasRevoked_Answers401WithWwwAuthenticate_AndATokenWithoutTheScope403(string provider)
    {
        var market = await markets.ForAsync(provider);
        var roundsBefore = await market.ScalarAsync<long>("SELECT count(*) FROM matching_rounds");
        var expired = await AddTokenAsync(market.Database, "capacity:read", DateTimeOffset.UtcNow.AddMinutes(-1));
        var readOnly = await AddTokenAsync(market.Database, "capacity:read", DateTimeOffset.UtcNow.AddDays(1));
        var revoked = await AddTokenAsync(market.Database, "capacity:read", DateTimeOffset.UtcNow.AddDays(1));
        await market.ExecuteAsync("UPDATE api_clients SET revoked_at = @now WHERE token_hash = @hash", new { now = DateTimeOffset.UtcNow, hash = ApiTokens.Hash(revoked) });

        var afterExpiry = await market.Client(expired).GetAsync($"/api/v1/regions/{MarketScenario.Region}/availability");
        var afterRevoke = await market.Client(revoked).GetAsync($"/api/v1/regions/{MarketScenario.Region}/availability");
        var withoutScope = await market.Client(readOnly).PostAsync(Rounds, null);
        var withScope = await market.Client(readOnly).GetAsync($"/api/v1/regions/{MarketScenario.Region}/availability");
        var anonymous = await market.App.CreateClient().GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, afterExpiry.StatusCode);
        Assert.Contains("expired", afterExpiry.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withoutScope.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withScope.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(roundsBefore, await market.ScalarAsync<long>("SELECT count(*) FROM matching_rounds"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheAuditLog_OpensToADesksTokenWithAuditRead_NotToADeskWorkersSession_NorToATokenWithoutTheScope(string provider)
    {
        var market = await markets.ForAsync(provider);
        var auditor = await AddTokenAsync(market.Database, "audit:read", DateTimeOffset.UtcNow.AddDays(1));
        var withoutScope = await AddTokenAsync(market.Database, "capacity:read requests:read", DateTimeOffset.UtcNow.AddDays(1));
        var deskWorker = await People.SignedInAsync(market, Roles.Desk, MarketScenario.Region);
        var audit = $"/api/v1/regions/{MarketScenario.Region}/audit";
        var export = $"{audit}/export?from={MarketScenario.InDays(-7)}&to={MarketScenario.InDays(0)}";
        var readsBefore = await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action IN ('audit-read', 'audit-exported')");

        var byPerson = await deskWorker.GetAsync(audit);
        var exportByPerson = await deskWorker.GetAsync(export);
        var byTokenWithoutScope = await market.Client(withoutScope).GetAsync(audit);
        var readsRefused = await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action IN ('audit-read', 'audit-exported')");
        var byAuditor = await market.Client(auditor).GetAsync(audit);
        var exportByAuditor = await market.Client(auditor).GetAsync(export);

        Assert.Equal(HttpStatusCode.Forbidden, byPerson.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, exportByPerson.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byTokenWithoutScope.StatusCode);
        Assert.Equal(readsBefore, readsRefused);
        Assert.Equal(HttpStatusCode.OK, byAuditor.StatusCode);
        Assert.Equal(HttpStatusCode.OK, exportByAuditor.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACookiePostFromAForeignSite_IsRefused_AndSigningOutNeedsTheFormsToken(string provider)
    {
        var market = await markets.ForAsync(provider);
        var roundsBefore = await market.ScalarAsync<long>("SELECT count(*) FROM matching_rounds");
        var browser = await People.SignedInAsync(market, Roles.Desk, MarketScenario.Region);

        using var foreign = new HttpRequestMessage(HttpMethod.Post, Rounds) { Headers = { { "Origin", "https://evil.example" } } };
        var fromForeignSite = await browser.SendAsync(foreign);
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, Rounds) { Headers = { { "Sec-Fetch-Site", "cross-site" } } };
        var fromCrossSite = await browser.SendAsync(crossSite);
        var signOutWithoutToken = await browser.PostAsync("/account/sign-out", new FormUrlEncodedContent([]));
        var stillSignedIn = await browser.GetAsync("/api/v1/me");
        using var own = new HttpRequestMessage(HttpMethod.Post, Rounds) { Headers = { { "Origin", "http://localhost" } } };
        var fromOwnPage = await browser.SendAsync(own);

        Assert.Equal(HttpStatusCode.Forbidden, fromForeignSite.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, fromCrossSite.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, signOutWithoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillSignedIn.StatusCode);
        Assert.Equal(HttpStatusCode.Created, fromOwnPage.StatusCode);
        Assert.Equal(roundsBefore + 1, await market.ScalarAsync<long>("SELECT count(*) FROM matching_rounds"));
    }

    private async Task<Guid> AddDeskUserAsync(TestDatabase database)
    {
        var id = Guid.NewGuid();
        await database.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            VALUES (@id, @Email, 'Bemiddelaar', 'desk', @region, NULL, @hash, false, @now, 'first')
            """, new { id, Email, region = MarketScenario.Region, hash = new PasswordHasher<object>().HashPassword(new object(), Password), now = DateTimeOffset.UtcNow });
        return id;
    }

    private static async Task<string> AddTokenAsync(TestDatabase database, string scopes, DateTimeOffset expires)
    {
        var token = ApiTokens.NewToken();
        await database.ExecuteAsync("""
            INSERT INTO api_clients (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at, expires_at)
            VALUES (@id, 'Regiosysteem', @hash, 'desk', @region, NULL, @scopes, false, @now, @expires)
            """, new { id = Guid.NewGuid(), hash = ApiTokens.Hash(token), region = MarketScenario.Region, scopes, now = DateTimeOffset.UtcNow, expires });
        return token;
    }

    /// <summary>Signs in as a demo desk without a cookie jar and returns the session cookie, as a thief would hold it.</summary>
    private static async Task<string> SessionCookieAsync(MatchmakerWebFactory app, string region)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var signedIn = await SignIn.AsDemoWithoutCookieJarAsync(client, region, Roles.Desk);
        return signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("matchmaker="));
    }

    private static HttpClient WithCookie(HttpClient client, string cookie)
    {
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }
}
