using System.Net;
using System.Text.RegularExpressions;
using Matchmaker.Silo.Access;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Security;

/// <summary>
/// Passkeys as the other second factor (issue 20, item 2), the engine's part on each database: a signature counter that
/// does not go up is refused, a challenge is used once and not after it expired, 'users reset-mfa' removes passkeys, and
/// whatever a hostile browser posts as a WebAuthn answer is refused beside the button, never a 500. The whole ceremony
/// with a real authenticator is the browser test (Chromium's virtual authenticator).
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed partial class PasskeyTests(SharedMarket markets) : IClassFixture<SharedMarket>
{
    private readonly string Email = $"bemiddelaar-{Guid.NewGuid():N}@rijnmond.example";
    private const string Password = "a long enough password";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ASignatureCounter_ThatDoesNotGoUp_IsRefused_AndTheRefusalIsAudited(string provider)
    {
        var market = await markets.ForAsync(provider);
        var user = await AddDeskUserAsync(market);
        var credential = await AddPasskeyAsync(market, user.Id, signCount: 5);
        var counterless = await AddPasskeyAsync(market, user.Id, signCount: 0);
        var passkeys = market.App.Services.GetRequiredService<Passkeys>();

        var same = await passkeys.RecordUseAsync(user, credential, 5);
        var lower = await passkeys.RecordUseAsync(user, credential, 4);
        var higher = await passkeys.RecordUseAsync(user, credential, 6);
        var replayed = await passkeys.RecordUseAsync(user, credential, 6);
        var withoutCounter = await passkeys.RecordUseAsync(user, counterless, 0);
        var someoneElse = await passkeys.RecordUseAsync((await AddDeskUserAsync(market, $"ander-{Guid.NewGuid():N}@rijnmond.example")), credential, 7);

        Assert.False(same);
        Assert.False(lower);
        Assert.True(higher);
        Assert.False(replayed);
        Assert.True(withoutCounter);
        Assert.False(someoneElse);
        Assert.Equal(6L, await market.ScalarAsync<long>("SELECT sign_count FROM passkeys WHERE credential_id = @credential", new { credential }));
        Assert.Equal(2L, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'mfa-passkey-used' AND subject_id = @id", new { id = user.Id.ToString() }));
        Assert.Equal(3L, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'mfa-passkey-refused' AND subject_id = @id", new { id = user.Id.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AChallenge_IsUsedOnce_ByItsOwnPersonAndPurpose_AndNotAfterItExpired(string provider)
    {
        var market = await markets.ForAsync(provider);
        var user = await AddDeskUserAsync(market);
        var other = await AddDeskUserAsync(market, $"ander-{Guid.NewGuid():N}@rijnmond.example");
        var passkeys = market.App.Services.GetRequiredService<Passkeys>();
        var party = passkeys.For("http://localhost")!;

        var enrolment = await passkeys.BeginEnrolmentAsync(user, party);
        var byAnother = await passkeys.TakeChallengeAsync(other.Id, enrolment.Id, Passkeys.EnrolPurpose);
        var forSigningIn = await passkeys.TakeChallengeAsync(user.Id, enrolment.Id, Passkeys.SignInPurpose);
        var second = await passkeys.BeginEnrolmentAsync(user, party);
        var first = await passkeys.TakeChallengeAsync(user.Id, second.Id, Passkeys.EnrolPurpose);
        var replayed = await passkeys.TakeChallengeAsync(user.Id, second.Id, Passkeys.EnrolPurpose);
        var old = await passkeys.BeginEnrolmentAsync(user, party);
        await market.ExecuteAsync("UPDATE passkey_challenges SET expires_at = @past WHERE id = @id", new { id = old.Id, past = DateTimeOffset.UtcNow.AddSeconds(-1) });
        var expired = await passkeys.TakeChallengeAsync(user.Id, old.Id, Passkeys.EnrolPurpose);
        var replayedAnswer = await passkeys.EnrolAsync(user, party, second.Id, """{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"attestationObject":"AAAA","clientDataJSON":"AAAA"}}""");

        Assert.Null(byAnother);
        Assert.Null(forSigningIn);
        Assert.Equal(second.OptionsJson, first);
        Assert.Contains("\"attestation\":\"none\"", first);
        Assert.Null(replayed);
        Assert.Null(expired);
        Assert.Equal(PasskeyRefusal.ChallengeExpired, replayedAnswer.Refusal);
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM passkey_challenges WHERE user_id = @id", new { id = user.Id }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task APersonAskingForChallengesAgainAndAgain_KeepsOnlyTheNewestFew_AndTheNewestStillWorks(string provider)
    {
        var market = await markets.ForAsync(provider);
        var user = await AddDeskUserAsync(market);
        var passkeys = market.App.Services.GetRequiredService<Passkeys>();
        var party = passkeys.For("http://localhost")!;

        var challenges = new List<PasskeyChallenge>();
        for (var i = 0; i < 20; i++) challenges.Add(await passkeys.BeginEnrolmentAsync(user, party));

        Assert.Equal(Passkeys.OpenChallengesPerPurpose,
            await market.ScalarAsync<long>("SELECT count(*) FROM passkey_challenges WHERE user_id = @id", new { id = user.Id }));
        Assert.Null(await passkeys.TakeChallengeAsync(user.Id, challenges[0].Id, Passkeys.EnrolPurpose));
        Assert.Equal(challenges[^1].OptionsJson, await passkeys.TakeChallengeAsync(user.Id, challenges[^1].Id, Passkeys.EnrolPurpose));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task UsersResetMfa_RemovesThePasskeys_AndIsAudited(string provider)
    {
        var market = await markets.ForAsync(provider);
        var user = await AddDeskUserAsync(market);
        await AddPasskeyAsync(market, user.Id, signCount: 3);
        await AddPasskeyAsync(market, user.Id, signCount: 0);
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = market.Database.Provider, ["ConnectionStrings__Matchmaker"] = market.Database.ConnectionString,
        };

        var listedBefore = await SiloProcess.RunAsync(["users", "list", "--region", MarketScenario.Region], environment);
        var reset = await SiloProcess.RunAsync(["users", "reset-mfa", "--email", Email], environment);
        var browser = People.Browser(market);
        var password = await SignIn.WithPasswordAsync(browser, Email, Password);

        Assert.Contains(listedBefore.Stdout.Split('\n'), line => line.StartsWith(Email) && line.TrimEnd().EndsWith("with 2 passkey(s)"));
        Assert.Equal(0, reset.Exit);
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM passkeys WHERE user_id = @id", new { id = user.Id }));
        Assert.Equal("/account/enrol", password.Headers.Location?.ToString());
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'user-mfa-reset' AND subject_id = @id", new { id = user.Id.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMalformedAttestation_IsRefusedBesideTheButton_NotA500_AndOpensNoSession(string provider)
    {
        var market = await markets.ForAsync(provider);
        var user = await AddDeskUserAsync(market);
        var browser = People.Browser(market);
        await SignIn.WithPasswordAsync(browser, Email, Password);

        var notJson = await PostPasskeyAsync(browser, "/account/enrol", "{\"id\": [1, 2");
        var wrongShape = await PostPasskeyAsync(browser, "/account/enrol", """{"id":5,"rawId":{"a":1},"response":"x"}""");
        var garbage = await PostPasskeyAsync(browser, "/account/enrol",
            """{"id":"AQID","rawId":"AQID","type":"public-key","response":{"attestationObject":"v2Zmb3JtZG5vbmX_","clientDataJSON":"eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0"}}""");
        var noChallenge = await PostPasskeyAsync(browser, "/account/enrol",
            """{"id":"AQID","rawId":"AQID","type":"public-key","response":{"attestationObject":"AQID","clientDataJSON":"AQID"}}""", challengeId: "not-a-guid");

        foreach (var answer in new[] { notJson, wrongShape, garbage, noChallenge })
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.False(SetsSession(answer));
            var page = await answer.Content.ReadAsStringAsync();
            Assert.Contains("<span id=\"passkey-error\" class=\"field-error\">", page);
            Assert.Contains("href=\"#passkey-start\"", page);
        }
        Assert.Contains("geen bruikbaar antwoord van een passkey", await notJson.Content.ReadAsStringAsync());
        Assert.Contains("geen bruikbaar antwoord van een passkey", await wrongShape.Content.ReadAsStringAsync());
        Assert.Contains("kon niet worden gecontroleerd", await garbage.Content.ReadAsStringAsync());
        Assert.Contains("verlopen of al gebruikt", await noChallenge.Content.ReadAsStringAsync());
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM passkeys WHERE user_id = @id", new { id = user.Id }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AForgedAssertion_IsRefusedBesideTheButton_NotA500_AndOpensNoSession(string provider)
    {
        var market = await markets.ForAsync(provider);
        var user = await AddDeskUserAsync(market);
        var credential = await AddPasskeyAsync(market, user.Id, signCount: 1);
        var browser = People.Browser(market);
        var password = await SignIn.WithPasswordAsync(browser, Email, Password);

        var forged = await PostPasskeyAsync(browser, "/account/code",
            $$$"""{"id":"{{{credential}}}","rawId":"{{{credential}}}","type":"public-key","response":{"authenticatorData":"AQIDBAUG","signature":"AQID","clientDataJSON":"eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0","userHandle":null}}""");
        var unknown = await PostPasskeyAsync(browser, "/account/code",
            """{"id":"BAUG","rawId":"BAUG","type":"public-key","response":{"authenticatorData":"AQID","signature":"AQID","clientDataJSON":"AQID"}}""");
        var empty = await PostPasskeyAsync(browser, "/account/code", "");

        Assert.Equal("/account/code", password.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        Assert.Contains("kon niet worden gecontroleerd", await forged.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Contains("hoort niet bij uw account", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("geen bruikbaar antwoord van een passkey", await empty.Content.ReadAsStringAsync());
        Assert.False(SetsSession(forged) || SetsSession(unknown) || SetsSession(empty));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT sign_count FROM passkeys WHERE credential_id = @credential", new { credential }));
    }

    /// <summary>Opens the page (a fresh challenge), then posts <paramref name="answer"/> as the browser's WebAuthn answer.</summary>
    private static async Task<HttpResponseMessage> PostPasskeyAsync(HttpClient browser, string path, string answer, string? challengeId = null)
    {
        var page = await browser.GetStringAsync(path);
        var challenge = ChallengeId().Match(page);
        if (!challenge.Success) throw new InvalidOperationException($"{path} offers no passkey.");
        return await browser.PostAsync(path + "?handler=Passkey", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["PasskeyChallengeId"] = challengeId ?? challenge.Groups[1].Value,
            ["PasskeyAnswer"] = answer,
            ["__RequestVerificationToken"] = SignIn.AntiforgeryToken(page),
        }));
    }

    [GeneratedRegex("name=\"PasskeyChallengeId\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex ChallengeId();

    private static bool SetsSession(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("matchmaker=", StringComparison.Ordinal));

    private static async Task<string> AddPasskeyAsync(MarketScenario market, Guid userId, long signCount)
    {
        var credential = Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await market.ExecuteAsync("""
            INSERT INTO passkeys (credential_id, user_id, region_code, public_key, sign_count, created_at, last_used_at)
            VALUES (@credential, @userId, @region, @publicKey, @signCount, @now, NULL)
            """, new { credential, userId, region = MarketScenario.Region, publicKey = new byte[] { 0xa5, 0x01, 0x02 }, signCount, now = DateTimeOffset.UtcNow });
        return credential;
    }

    private async Task<Accounts.Account> AddDeskUserAsync(MarketScenario market, string? email = null)
    {
        var id = Guid.NewGuid();
        await market.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            VALUES (@id, @email, 'Bemiddelaar', 'desk', @region, NULL, @hash, false, @now, 'first')
            """, new { id, email = email ?? Email, region = MarketScenario.Region, hash = new PasswordHasher<object>().HashPassword(new object(), Password), now = DateTimeOffset.UtcNow });
        return (await market.App.Services.GetRequiredService<Accounts>().ByIdAsync(id, CancellationToken.None))!;
    }
}
