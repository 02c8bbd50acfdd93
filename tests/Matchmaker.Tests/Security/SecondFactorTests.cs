using System.Net;
using Matchmaker.Silo.Access;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Identity;

namespace Matchmaker.Tests.Security;

/// <summary>
/// People who see children's data sign in with two factors (issue 20, item 2): a local desk user enrols TOTP at the first
/// sign-in, cannot get in with the password alone afterwards, and gets in with the app's code or a recovery code, once.
/// </summary>
// A market of its own: wrong codes count against the client address's failures a minute, like wrong passwords.
[Trait(Lane.Name, Lane.Integration)]
public sealed class SecondFactorTests(SharedMarket markets) : IClassFixture<SharedMarket>
{
    private const string Rounds = $"/api/v1/regions/{MarketScenario.Region}/matching-rounds";
    private readonly string Email = $"bemiddelaar-{Guid.NewGuid():N}@rijnmond.example";
    private const string Password = "a long enough password";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ALocalDeskUser_MustEnrol_ThenCannotGetInWithThePasswordAlone_AndGetsInWithTheAppsCode(string provider)
    {
        var market = await markets.ForAsync(provider);
        var userId = await AddDeskUserAsync(market);
        var browser = People.Browser(market);

        var password = await SignIn.WithPasswordAsync(browser, Email, Password);
        var boardBeforeEnrolment = await browser.GetAsync("/tafel");
        var meBeforeEnrolment = await browser.GetAsync("/api/v1/me");
        var enrolment = await SecondStep.EnrolAsync(browser);
        var meAfterEnrolment = await browser.GetAsync("/api/v1/me");
        await SignOutAsync(browser);

        var again = People.Browser(market);
        var passwordAgain = await SignIn.WithPasswordAsync(again, Email, Password);
        var board = await again.GetAsync("/tafel");
        var me = await again.GetAsync("/api/v1/me");
        var round = await again.PostAsync(Rounds, null);
        var withCode = await SecondStep.WithCodeAsync(again, SecondStep.NextCode(enrolment.Secret));
        var meWithCode = await again.GetAsync("/api/v1/me");

        Assert.Equal("/account/enrol", password.Headers.Location?.ToString());
        Assert.False(SetsSession(password));
        Assert.Equal(HttpStatusCode.Redirect, boardBeforeEnrolment.StatusCode);
        Assert.StartsWith("http://localhost/account/sign-in", boardBeforeEnrolment.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, meBeforeEnrolment.StatusCode);
        Assert.Equal(HttpStatusCode.OK, enrolment.Response.StatusCode);
        Assert.True(SetsSession(enrolment.Response));
        Assert.Equal(SecondFactors.RecoveryCodeCount, enrolment.RecoveryCodes.Distinct().Count());
        Assert.Equal(HttpStatusCode.OK, meAfterEnrolment.StatusCode);

        Assert.Equal("/account/code", passwordAgain.Headers.Location?.ToString());
        Assert.False(SetsSession(passwordAgain));
        Assert.StartsWith("http://localhost/account/sign-in", board.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, round.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, withCode.StatusCode);
        Assert.Equal("/tafel", withCode.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, meWithCode.StatusCode);

        // Stored encrypted (data protection), never as the app's Base32 secret; the recovery codes only as hashes.
        var stored = await market.ScalarAsync<string>("SELECT totp_secret FROM users WHERE id = @userId", new { userId });
        Assert.DoesNotContain(enrolment.Secret, stored);
        var hashes = await market.Database.QueryAsync<string>("SELECT code_hash FROM recovery_codes WHERE user_id = @userId", new { userId });
        Assert.Equal(SecondFactors.RecoveryCodeCount, hashes.Count);
        Assert.DoesNotContain(hashes, hash => enrolment.RecoveryCodes.Any(code => hash.Contains(code.Replace("-", ""), StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'mfa-enrolled' AND subject_id = @id", new { id = userId.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AWrongCode_IsRefusedBesideTheField_AndCounted_AndARightCodeCannotBeUsedTwice(string provider)
    {
        var market = await markets.ForAsync(provider);
        var userId = await AddDeskUserAsync(market);
        var enrolment = await SecondStep.SignInAndEnrolAsync(People.Browser(market), Email, Password);

        var browser = People.Browser(market);
        await SignIn.WithPasswordAsync(browser, Email, Password);
        var wrong = await SecondStep.WithCodeAsync(browser, SecondStep.WrongCode(enrolment.Secret));
        var wrongPage = await wrong.Content.ReadAsStringAsync();
        var counted = await market.ScalarAsync<long>("SELECT failures FROM sign_in_failures WHERE key = @key", new { key = SignInThrottle.CodeKey(userId) });
        var code = SecondStep.NextCode(enrolment.Secret);
        var right = await SecondStep.WithCodeAsync(browser, code);
        var forgotten = await market.ScalarAsync<long>("SELECT count(*) FROM sign_in_failures WHERE key = @key", new { key = SignInThrottle.CodeKey(userId) });

        var thief = People.Browser(market);
        await SignIn.WithPasswordAsync(thief, Email, Password);
        var replayed = await SecondStep.WithCodeAsync(thief, code);
        var thiefsMe = await thief.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.False(SetsSession(wrong));
        Assert.Contains("id=\"error-summary\"", wrongPage);
        Assert.Contains("<a class=\"utrecht-link\" href=\"#code\">Deze code klopt niet", wrongPage);
        Assert.Contains("<span id=\"code-error\" class=\"field-error\">Deze code klopt niet", wrongPage);
        Assert.Contains("aria-invalid=\"true\"", wrongPage);
        Assert.Equal(1L, counted);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(0L, forgotten);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Contains("Deze code klopt niet of is al gebruikt", await replayed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, thiefsMe.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AfterFiveWrongCodes_TheAccountWaits_EvenForTheRightCode_FromAnotherAddressToo(string provider)
    {
        var market = await markets.ForAsync(provider);
        await AddDeskUserAsync(market);
        var enrolment = await SecondStep.SignInAndEnrolAsync(People.Browser(market), Email, Password);
        var guesser = People.Browser(market);
        await SignIn.WithPasswordAsync(guesser, Email, Password);
        for (var i = 0; i < AccountLockout.FreeFailures; i++)
            await SecondStep.WithCodeAsync(guesser, SecondStep.WrongCode(enrolment.Secret));

        var right = await SecondStep.WithCodeAsync(guesser, SecondStep.NextCode(enrolment.Secret));

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("Te veel onjuiste codes", await right.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARecoveryCode_WorksOnce_AndItsUseIsAudited(string provider)
    {
        var market = await markets.ForAsync(provider);
        var userId = await AddDeskUserAsync(market);
        var enrolment = await SecondStep.SignInAndEnrolAsync(People.Browser(market), Email, Password);

        var withoutPhone = People.Browser(market);
        await SignIn.WithPasswordAsync(withoutPhone, Email, Password);
        var first = await SecondStep.WithCodeAsync(withoutPhone, enrolment.RecoveryCodes[3].ToLowerInvariant());
        var me = await withoutPhone.GetAsync("/api/v1/me");
        var again = People.Browser(market);
        await SignIn.WithPasswordAsync(again, Email, Password);
        var second = await SecondStep.WithCodeAsync(again, enrolment.RecoveryCodes[3]);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("Deze code klopt niet of is al gebruikt", await second.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM recovery_codes WHERE user_id = @userId AND used_at IS NOT NULL", new { userId }));
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'mfa-recovery-code-used' AND subject_id = @id", new { id = userId.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnAdministratorsReset_EndsTheSession_ForcesEnrolmentAgain_AndIsInTheAuditLog(string provider)
    {
        var market = await markets.ForAsync(provider);
        var userId = await AddDeskUserAsync(market);
        var browser = People.Browser(market);
        var enrolment = await SecondStep.SignInAndEnrolAsync(browser, Email, Password);

        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = market.Database.Provider, ["ConnectionStrings__Matchmaker"] = market.Database.ConnectionString,
        };
        var listedBefore = await SiloProcess.RunAsync(["users", "list", "--region", MarketScenario.Region], environment);
        var reset = await SiloProcess.RunAsync(["users", "reset-mfa", "--email", Email], environment);
        var listedAfter = await SiloProcess.RunAsync(["users", "list", "--region", MarketScenario.Region], environment);
        var round = await browser.PostAsync(Rounds, null);
        var next = People.Browser(market);
        var password = await SignIn.WithPasswordAsync(next, Email, Password);
        var oldApp = await next.GetAsync("/account/code");
        var enrolAgain = await SecondStep.EnrolAsync(next);

        Assert.Equal(0, reset.Exit);
        Assert.Contains(listedBefore.Stdout.Split('\n'), line => line.StartsWith(Email) && line.TrimEnd().EndsWith("active, with TOTP"));
        Assert.Contains(listedAfter.Stdout.Split('\n'), line => line.StartsWith(Email) && line.TrimEnd().EndsWith("active"));
        Assert.Equal(HttpStatusCode.Unauthorized, round.StatusCode);
        Assert.Equal("/account/enrol", password.Headers.Location?.ToString());
        Assert.Equal("/account/enrol", oldApp.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, enrolAgain.Response.StatusCode);
        Assert.NotEqual(enrolment.Secret, enrolAgain.Secret);
        Assert.Equal(1L, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'user-mfa-reset' AND subject_id = @id", new { id = userId.ToString() }));
        Assert.Equal(2L, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'mfa-enrolled' AND subject_id = @id", new { id = userId.ToString() }));
    }

    [Fact]
    public async Task UsersResetMfa_ForAnUnknownAddress_SaysSo_AndChangesNothing()
    {
        var market = await markets.ForAsync("sqlite");
        var before = await market.ScalarAsync<long>("SELECT count(*) FROM audit_log");

        var reset = await SiloProcess.RunAsync(["users", "reset-mfa", "--email", "niemand@rijnmond.example"], new Dictionary<string, string>
        {
            ["Database__Provider"] = "sqlite", ["ConnectionStrings__Matchmaker"] = market.Database.ConnectionString,
        });

        Assert.Equal(2, reset.Exit);
        Assert.Contains("no user with e-mail niemand@rijnmond.example", reset.Stderr);
        Assert.Equal(before, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheCodePages_WithoutAPendingSignIn_OrWithAForgedOne_LeadToTheSignInPage(string provider)
    {
        var market = await markets.ForAsync(provider);
        var client = market.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var signInPage = await client.GetAsync("/account/sign-in");
        var cookies = string.Join("; ", signInPage.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = SignIn.AntiforgeryToken(await signInPage.Content.ReadAsStringAsync());

        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/code")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Code"] = "123456", ["__RequestVerificationToken"] = token }),
        };
        post.Headers.Add("Cookie", cookies + "; matchmaker-pending=CfDJ8forged");
        var code = await client.SendAsync(post);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/account/enrol");
        get.Headers.Add("Cookie", "matchmaker-pending=CfDJ8forged");
        var enrol = await client.SendAsync(get);

        Assert.Equal("/account/sign-in", code.Headers.Location?.ToString());
        Assert.Equal("/account/sign-in", enrol.Headers.Location?.ToString());
    }

    private static bool SetsSession(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("matchmaker=", StringComparison.Ordinal));

    private static async Task SignOutAsync(HttpClient browser)
    {
        var token = await People.AntiforgeryTokenAsync(browser);
        var signedOut = await browser.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        if (signedOut.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Signing out answered {(int)signedOut.StatusCode}.");
    }

    private async Task<Guid> AddDeskUserAsync(MarketScenario market)
    {
        var id = Guid.NewGuid();
        await market.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            VALUES (@id, @Email, 'Bemiddelaar', 'desk', @region, NULL, @hash, false, @now, 'first')
            """, new { id, Email, region = MarketScenario.Region, hash = new PasswordHasher<object>().HashPassword(new object(), Password), now = DateTimeOffset.UtcNow });
        return id;
    }
}
