using System.Net;
using System.Security.Cryptography;
using System.Text;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Person = Matchmaker.Tests.Infrastructure.TestIdentityProvider.Person;

namespace Matchmaker.Tests.Security;

/// <summary>
/// A person removed at their organisation's identity provider loses access at the next request (issue 20): the
/// provider's back-channel logout ends their sessions on every node at once, and a session is re-checked at the provider
/// (its refresh token redeemed) at most every RevalidateSeconds, shared by all nodes through the database. Only a logout
/// token signed by the provider counts; a hostile one is 400 and ends nothing.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class OrganisationSessionTests(OrganisationSignInFixture fixture) : IClassFixture<OrganisationSignInFixture>
{
    private readonly string _subject = $"medewerker-{Guid.NewGuid():N}";
    private readonly string _email = $"medewerker-{Guid.NewGuid():N}@rijnmond.example";
    private static readonly string LogoutPath = $"/signin-oidc/{OrganisationSignInFixture.Name}/backchannel-logout";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task APersonRemovedAtTheIdentityProvider_IsRefusedAtTheNextRequest_AfterTheRevalidationInterval(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject);
        var browser = OrganisationSignInFixture.Browser(app);
        await fixture.SignInThroughProviderAsync(browser, new Person(_subject, Amr: ["pwd", "mfa"]));

        var fresh = await browser.GetAsync("/api/v1/me");
        var askedWhileFresh = Refreshes(_subject);
        await IntervalPassesAsync(database, userId);
        var renewed = await browser.GetAsync("/api/v1/me");
        var askedOnce = Refreshes(_subject);
        fixture.Provider.Removed[_subject] = true;
        // Removed at the provider, but the interval since the last yes has not passed: no question to the provider yet.
        var withinInterval = await browser.GetAsync("/api/v1/me");
        var askedStill = Refreshes(_subject);
        await IntervalPassesAsync(database, userId);
        var refused = await browser.GetAsync("/api/v1/me");
        var page = await browser.GetAsync("/tafel");

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(0, askedWhileFresh);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(1, askedOnce);
        Assert.Equal(HttpStatusCode.OK, withinInterval.StatusCode);
        Assert.Equal(1, askedStill);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(2, Refreshes(_subject));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/", page.Headers.Location?.ToString());
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM organisation_sessions WHERE user_id = @userId AND ended_at IS NOT NULL AND ended_why LIKE '%refused%' AND refresh_token IS NULL", new { userId }));
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'organisation-session-ended' AND subject_id = @id", new { id = userId.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheRefreshToken_IsKeptProtected_NeverInPlainText(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject);
        var browser = OrganisationSignInFixture.Browser(app);
        await fixture.SignInThroughProviderAsync(browser, new Person(_subject, Amr: ["pwd", "mfa"]));

        var stored = await database.ScalarAsync<string>("SELECT refresh_token FROM organisation_sessions WHERE user_id = @userId", new { userId });
        var check = app.Services.GetRequiredService<Matchmaker.Web.Infrastructure.OrganisationSessionCheck>();

        Assert.False(string.IsNullOrEmpty(stored));
        Assert.StartsWith("CfDJ8", stored);
        Assert.NotEqual(stored, check.Protect("x"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AProviderThatCannotBeReached_KeepsTheSessionForAShortGrace_ThenItEnds(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject);
        var browser = OrganisationSignInFixture.Browser(app);
        await fixture.SignInThroughProviderAsync(browser, new Person(_subject, Amr: ["pwd", "mfa"]));
        fixture.Provider.Down = true;
        try
        {
            await IntervalPassesAsync(database, userId);
            var withinGrace = await browser.GetAsync("/api/v1/me");
            var keptUntil = await database.ScalarAsync<DateTimeOffset>("SELECT next_check_at FROM organisation_sessions WHERE user_id = @userId", new { userId });
            await IntervalPassesAsync(database, userId, lastYes: DateTimeOffset.UtcNow.AddMinutes(-6));
            var afterGrace = await browser.GetAsync("/api/v1/me");

            Assert.Equal(HttpStatusCode.OK, withinGrace.StatusCode);
            // Asked in vain: asked again at the next interval, not on every request meanwhile.
            Assert.True(keptUntil > DateTimeOffset.UtcNow.AddSeconds(30), $"next check at {keptUntil:O}");
            Assert.Equal(0, Refreshes(_subject));
            Assert.Equal(HttpStatusCode.Unauthorized, afterGrace.StatusCode);
            Assert.Equal(1L, await database.ScalarAsync<long>(
                "SELECT count(*) FROM organisation_sessions WHERE user_id = @userId AND ended_why LIKE '%503%'", new { userId }));
        }
        finally
        {
            fixture.Provider.Down = false;
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARequestThatGoesAwayWhileTheProviderIsAsked_StillKeepsTheProvidersAnswer(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject);
        var browser = OrganisationSignInFixture.Browser(app);
        await fixture.SignInThroughProviderAsync(browser, new Person(_subject, Amr: ["pwd", "mfa"]));
        var lastYes = DateTimeOffset.UtcNow.AddMinutes(-2);
        await IntervalPassesAsync(database, userId, lastYes);
        fixture.Provider.Slow = TimeSpan.FromSeconds(1);
        try
        {
            // The browser gives up while Matchmaker waits for the provider; a provider that rotates refresh tokens has
            // spent the old one by the time it answers, so its answer (and new token) must still reach the session's row.
            using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => browser.GetAsync("/api/v1/me", impatient.Token));
            var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
            while (Refreshes(_subject) == 0 && DateTimeOffset.UtcNow < deadline) await Task.Delay(50);
            await Task.Delay(500);
        }
        finally
        {
            fixture.Provider.Slow = TimeSpan.Zero;
        }

        Assert.Equal(1, Refreshes(_subject));
        var checkedAt = await database.ScalarAsync<DateTimeOffset>("SELECT checked_at FROM organisation_sessions WHERE user_id = @userId", new { userId });
        Assert.True(checkedAt > lastYes.AddMinutes(1), $"the provider's yes was not kept: checked_at {checkedAt:O}");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(1, Refreshes(_subject));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ABackchannelLogout_EndsThePersonsSessionsOnEveryNode_AndNoOneElses(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject);
        var colleague = $"collega-{Guid.NewGuid():N}";
        await fixture.AddUserAsync(database, $"{colleague}@rijnmond.example", "desk", OrganisationSignInFixture.Region, colleague);
        var (laptop, phone, colleaguesBrowser) = (OrganisationSignInFixture.Browser(app), OrganisationSignInFixture.Browser(app), OrganisationSignInFixture.Browser(app));
        var laptopSession = SessionCookie(await fixture.SignInThroughProviderAsync(laptop, new Person(_subject, Amr: ["mfa"])));
        await fixture.SignInThroughProviderAsync(phone, new Person(_subject, Amr: ["mfa"]));
        await fixture.SignInThroughProviderAsync(colleaguesBrowser, new Person(colleague, Amr: ["mfa"]));
        // A second node on the same database reads the laptop's cookie with the shared key ring. SQLite has one node only
        // (one process owns its file): there the laptop and the phone are the sessions to end.
        await using var otherNode = provider == "postgres"
            ? new MatchmakerWebFactory(database, settings: fixture.Provider.SettingsFor(OrganisationSignInFixture.Name, OrganisationSignInFixture.Region, matchByEmail: true))
            : null;
        var onOtherNodeBefore = otherNode is null ? null : await WithSessionAsync(otherNode, laptopSession);

        var logout = await PostLogoutAsync(app, fixture.Provider.LogoutToken(new Dictionary<string, object?> { ["sub"] = _subject }));

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        if (otherNode is not null)
        {
            Assert.Equal(HttpStatusCode.OK, onOtherNodeBefore!.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await WithSessionAsync(otherNode, laptopSession)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await colleaguesBrowser.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(2L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM organisation_sessions WHERE user_id = @userId AND ended_why = 'backchannel-logout'", new { userId }));
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'organisation-backchannel-logout' AND detail LIKE @detail", new { detail = $"sub {_subject},%2 session(s) ended" }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ABackchannelLogoutOfOneProviderSession_EndsOnlyThatSession(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject);
        var (laptop, phone) = (OrganisationSignInFixture.Browser(app), OrganisationSignInFixture.Browser(app));
        await fixture.SignInThroughProviderAsync(laptop, new Person(_subject, Amr: ["mfa"]));
        var laptopAtProvider = fixture.Provider.SessionOf[_subject];
        await fixture.SignInThroughProviderAsync(phone, new Person(_subject, Amr: ["mfa"]));

        var logout = await PostLogoutAsync(app, fixture.Provider.LogoutToken(new Dictionary<string, object?> { ["sid"] = laptopAtProvider }));

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task HostileLogoutTokens_Are400_AndEndNoSession(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject);
        var browser = OrganisationSignInFixture.Browser(app);
        await fixture.SignInThroughProviderAsync(browser, new Person(_subject, Amr: ["mfa"]));
        var idp = fixture.Provider;
        var realKey = idp.SigningKeyId;
        using var forgersRsa = RSA.Create(2048);
        var forgersKey = new SigningCredentials(new RsaSecurityKey(forgersRsa) { KeyId = realKey }, SecurityAlgorithms.RsaSha256);
        var sub = new Dictionary<string, object?> { ["sub"] = _subject };
        Dictionary<string, object?> With(string claim, object? value) => new(sub) { [claim] = value };
        // A valid token that names nobody with a session: accepted once, then its replay is refused.
        var once = idp.LogoutToken(new Dictionary<string, object?> { ["sub"] = $"niemand-{Guid.NewGuid():N}" });
        var first = await PostLogoutAsync(app, once);

        var hostile = new Dictionary<string, string>
        {
            ["unsigned"] = Unsigned(idp, _subject),
            ["signed by another key"] = idp.LogoutToken(sub, forgersKey),
            ["wrong audience"] = idp.LogoutToken(With("aud", "een-andere-client")),
            ["wrong issuer"] = idp.LogoutToken(With("iss", "https://idp.elders.example/")),
            ["with a nonce"] = idp.LogoutToken(With("nonce", "abc")),
            ["without the logout event"] = idp.LogoutToken(With("events", new Dictionary<string, object>())),
            ["stale"] = idp.LogoutToken(new Dictionary<string, object?>(sub)
                { ["iat"] = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeSeconds(), ["exp"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds() }),
            ["without jti"] = idp.LogoutToken(With("jti", null)),
            ["neither sub nor sid"] = idp.LogoutToken(new Dictionary<string, object?> { ["sub"] = null }),
            ["typed as an access token"] = idp.LogoutToken(sub, type: "at+jwt"),
            ["replayed"] = once,
            ["no JWT at all"] = "not-a-token",
        };
        var answers = new Dictionary<string, HttpStatusCode>();
        foreach (var (what, token) in hostile)
            answers[what] = (await PostLogoutAsync(app, token)).StatusCode;
        var noToken = await app.CreateClient().PostAsync(LogoutPath, new FormUrlEncodedContent(new Dictionary<string, string>()));
        var json = await app.CreateClient().PostAsync(LogoutPath, new StringContent($"{{\"logout_token\":\"{once}\"}}", Encoding.UTF8, "application/json"));
        var realToken = idp.LogoutToken(sub);
        using var multipart = new MultipartFormDataContent { { new StringContent(realToken), "logout_token" } };
        var asMultipart = await app.CreateClient().PostAsync(LogoutPath, multipart);
        var huge = await app.CreateClient().PostAsync(LogoutPath, new StringContent(
            "logout_token=" + realToken + "&padding=" + new string('x', 200_000), Encoding.UTF8, "application/x-www-form-urlencoded"));
        var manyFields = await app.CreateClient().PostAsync(LogoutPath, new FormUrlEncodedContent(
            Enumerable.Range(0, 50).Select(i => KeyValuePair.Create($"f{i}", "x")).Append(KeyValuePair.Create("logout_token", realToken))));
        var unknownProvider = await app.CreateClient().PostAsync("/signin-oidc/onbekend/backchannel-logout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = idp.LogoutToken(sub) }));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.All(answers, answer => Assert.True(answer.Value == HttpStatusCode.BadRequest, $"{answer.Key}: {answer.Value}"));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        // A body the door does not read (multipart, 200 KB, 51 fields) is refused before it is read, never a 500.
        Assert.Equal(HttpStatusCode.BadRequest, asMultipart.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, manyFields.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownProvider.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(0L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM organisation_sessions WHERE user_id = @userId AND ended_at IS NOT NULL", new { userId }));
    }

    private int Refreshes(string subject) => fixture.Provider.RefreshRequests.Count(s => s == subject);

    /// <summary>The re-validation interval (and, with <paramref name="lastYes"/>, the time since the provider's last yes) has passed, as every node sees it.</summary>
    private static async Task IntervalPassesAsync(TestDatabase database, Guid userId, DateTimeOffset? lastYes = null)
    {
        var past = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using var connection = await database.Database.OpenAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE organisation_sessions SET next_check_at = @past WHERE user_id = @userId", new { past, userId });
        if (lastYes is { } at)
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE organisation_sessions SET checked_at = @at WHERE user_id = @userId", new { at, userId });
    }

    /// <summary>An "alg: none" token with every claim right: only the signature is missing.</summary>
    private static string Unsigned(TestIdentityProvider idp, string subject)
    {
        var signed = idp.LogoutToken(new Dictionary<string, object?> { ["sub"] = subject });
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"logout+jwt"}""");
        return $"{header}.{signed.Split('.')[1]}.";
    }

    private static Task<HttpResponseMessage> PostLogoutAsync(MatchmakerWebFactory app, string token) =>
        app.CreateClient().PostAsync(LogoutPath, new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = token }));

    private static string SessionCookie(HttpResponseMessage signedIn) =>
        signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("matchmaker=", StringComparison.Ordinal)).Split(';')[0]["matchmaker=".Length..];

    private static async Task<HttpResponseMessage> WithSessionAsync(MatchmakerWebFactory app, string session)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost") });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Add("Cookie", $"matchmaker={session}");
        request.Headers.Add("Accept", "application/json");
        return await client.SendAsync(request);
    }
}
