using System.Net;
using System.Net.Http.Json;
using Matchmaker.Silo.Access;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Person = Matchmaker.Tests.Infrastructure.TestIdentityProvider.Person;

namespace Matchmaker.Tests.Security;

/// <summary>
/// Sign-in through the organisation's own identity provider (issue 20, item 1), end to end against a real OpenID Connect
/// server (authorization code with PKCE): who the person is in Matchmaker (role, region) comes from Matchmaker's user
/// row, never from the provider; unknown and disabled people are refused with a Dutch sentence and audited; without a
/// second factor at the provider (<c>amr</c>) a desk worker goes on to Matchmaker's own code step.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class OrganisationSignInTests(OrganisationSignInFixture fixture) : IClassFixture<OrganisationSignInFixture>
{
    private readonly string _subject = $"medewerker-{Guid.NewGuid():N}";
    private readonly string _email = $"medewerker-{Guid.NewGuid():N}@rijnmond.example";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AProvisionedDeskWorker_WithMfaAtTheProvider_GetsIn_WithRoleAndRegionFromMatchmakersRow(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject);
        var browser = OrganisationSignInFixture.Browser(app);

        // The provider also says the person is an administrator of another region: Matchmaker does not listen.
        var signedIn = await fixture.SignInThroughProviderAsync(browser, new Person(_subject, Amr: ["pwd", "mfa"], Role: "admin"));
        var me = await browser.GetFromJsonAsync<Me>("/api/v1/me");
        var board = await browser.GetAsync("/tafel");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/tafel", signedIn.Headers.Location?.ToString());
        Assert.Equal(new Me(userId, "user", "desk", OrganisationSignInFixture.Region), me! with { Name = null });
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        Assert.Empty(fixture.Provider.RefusedTokenRequests);
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'organisation-sign-in' AND subject_id = @id AND detail LIKE '%second factor done%'", new { id = userId.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnUnknownSubject_IsRefusedWithADutchSentence_AndAudited_EvenWithAKnownButUnverifiedAddress(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, subject: null);
        var browser = OrganisationSignInFixture.Browser(app);

        var refused = await fixture.SignInThroughProviderAsync(browser, new Person(_subject, _email, EmailVerified: false, Amr: ["mfa"]));
        var page = await browser.GetStringAsync(refused.Headers.Location!.ToString());
        var me = await browser.GetAsync("/api/v1/me");

        Assert.Equal("/account/sign-in?organisatie=onbekend", refused.Headers.Location?.ToString());
        Assert.Contains("U bent bij uw organisatie aangemeld, maar Matchmaker kent u niet.", page);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'organisation-sign-in-refused' AND detail LIKE @detail", new { detail = $"UnknownPerson:%{_subject}%" }));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM organisation_logins WHERE user_id = @userId", new { userId }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AUserDisabledInMatchmaker_IsRefused_ThoughTheProviderStillKnowsThem(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject, disabled: true);
        var browser = OrganisationSignInFixture.Browser(app);

        var refused = await fixture.SignInThroughProviderAsync(browser, new Person(_subject, Amr: ["mfa"]));
        var page = await browser.GetStringAsync(refused.Headers.Location!.ToString());

        Assert.Equal("/account/sign-in?organisatie=uitgeschakeld", refused.Headers.Location?.ToString());
        Assert.Contains("Uw account in Matchmaker is uitgeschakeld.", page);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'organisation-sign-in-refused' AND actor_id = @userId", new { userId }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WithoutASecondFactorAtTheProvider_ADeskWorker_GoesOnToMatchmakersOwnCodeStep(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject);
        var browser = OrganisationSignInFixture.Browser(app);

        var passwordOnly = await fixture.SignInThroughProviderAsync(browser, new Person(_subject, Amr: ["pwd"]));
        var meBefore = await browser.GetAsync("/api/v1/me");
        var enrolment = await SecondStep.EnrolAsync(browser);
        var meAfter = await browser.GetAsync("/api/v1/me");

        var again = OrganisationSignInFixture.Browser(app);
        var secondTime = await fixture.SignInThroughProviderAsync(again, new Person(_subject, Amr: ["pwd"]));
        var withCode = await SecondStep.WithCodeAsync(again, SecondStep.NextCode(enrolment.Secret));

        Assert.Equal("/account/enrol", passwordOnly.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, meBefore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, enrolment.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, meAfter.StatusCode);
        Assert.Equal("/account/code", secondTime.Headers.Location?.ToString());
        Assert.Equal("/tafel", withCode.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AVerifiedAddress_LinksThePersonOnce_ButNeverSomeoneOfAnotherRegion(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "municipality", OrganisationSignInFixture.Region, subject: null);
        var otherEmail = $"ander-{Guid.NewGuid():N}@haaglanden.example";
        await fixture.AddUserAsync(database, otherEmail, "municipality", OrganisationSignInFixture.OtherRegion, subject: null);

        var first = await fixture.SignInThroughProviderAsync(OrganisationSignInFixture.Browser(app), new Person(_subject, _email, EmailVerified: true));
        // Linked now: the subject alone is enough, whatever address the provider reports later.
        var second = await fixture.SignInThroughProviderAsync(OrganisationSignInFixture.Browser(app), new Person(_subject, "nieuw@rijnmond.example"));
        var otherRegion = await fixture.SignInThroughProviderAsync(OrganisationSignInFixture.Browser(app),
            new Person($"ander-{Guid.NewGuid():N}", otherEmail, EmailVerified: true));

        Assert.Equal("/gemeente", first.Headers.Location?.ToString());
        Assert.Equal("/gemeente", second.Headers.Location?.ToString());
        Assert.Equal("/account/sign-in?organisatie=onbekend", otherRegion.Headers.Location?.ToString());
        Assert.Equal(_subject, await database.ScalarAsync<string>("SELECT subject FROM organisation_logins WHERE user_id = @userId", new { userId }));
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'organisation-login-linked' AND subject_id = @id", new { id = userId.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheEngine_LinksAVerifiedAddressOnce_AndThenKnowsThePersonBySubject(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "municipality", OrganisationSignInFixture.Region, subject: null);
        var signIns = app.Services.GetRequiredService<OrganisationSignIns>();
        var identityProvider = signIns.Named(OrganisationSignInFixture.Name)!;
        var issuer = fixture.Provider.Issuer.ToString();

        var first = await signIns.SignInAsync(identityProvider, new ExternalPerson(issuer, _subject, _email.ToUpperInvariant(), true, ["pwd"]));
        var second = await signIns.SignInAsync(identityProvider, new ExternalPerson(issuer, _subject, null, false, ["otp"]));
        var otherSubject = await signIns.SignInAsync(identityProvider, new ExternalPerson(issuer, "another", _email, true, ["pwd"]));

        Assert.Equal((userId, false, (OrganisationSignInRefusal?)null), (first.User?.Id ?? Guid.Empty, first.SecondFactorDone, first.Refusal));
        Assert.Equal((userId, true, (OrganisationSignInRefusal?)null), (second.User?.Id ?? Guid.Empty, second.SecondFactorDone, second.Refusal));
        // The address is linked to this issuer already: a second subject claiming it is nobody.
        Assert.Equal(OrganisationSignInRefusal.UnknownPerson, otherSubject.Refusal);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AProviderVouchesOnlyForItsOwnDomains_NeverForAnAdministrator_AndItsSecondFactorDoesNotCountOnTheLinkingSignIn(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var elsewhere = $"gedetacheerd-{Guid.NewGuid():N}@ander-bureau.example";
        var admin = $"beheer-{Guid.NewGuid():N}@rijnmond.example";
        await fixture.AddUserAsync(database, elsewhere, "desk", OrganisationSignInFixture.Region, subject: null);
        await fixture.AddUserAsync(database, admin, "admin", OrganisationSignInFixture.Region, subject: null);
        var userId = await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, subject: null);
        var signIns = app.Services.GetRequiredService<OrganisationSignIns>();
        var identityProvider = signIns.Named(OrganisationSignInFixture.Name)!;
        var issuer = fixture.Provider.Issuer.ToString();

        var otherDomain = await signIns.SignInAsync(identityProvider, new ExternalPerson(issuer, $"x-{Guid.NewGuid():N}", elsewhere, true, ["mfa"]));
        var administrator = await signIns.SignInAsync(identityProvider, new ExternalPerson(issuer, $"y-{Guid.NewGuid():N}", admin, true, ["mfa"]));
        var linking = await signIns.SignInAsync(identityProvider, new ExternalPerson(issuer, _subject, _email, true, ["mfa"]));
        var later = await signIns.SignInAsync(identityProvider, new ExternalPerson(issuer, _subject, _email, true, ["mfa"]));

        Assert.Equal(OrganisationSignInRefusal.UnknownPerson, otherDomain.Refusal);
        Assert.Equal(OrganisationSignInRefusal.UnknownPerson, administrator.Refusal);
        Assert.Equal((userId, false), (linking.User?.Id ?? Guid.Empty, linking.SecondFactorDone));
        Assert.Equal((userId, true), (later.User?.Id ?? Guid.Empty, later.SecondFactorDone));
        Assert.Equal(0L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM organisation_logins WHERE user_id IN (SELECT id FROM users WHERE email IN (@elsewhere, @admin))", new { elsewhere, admin }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoFirstSignInsOfOnePersonAtOnce_BothGetIn_AndLinkThemOnce(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var userId = await fixture.AddUserAsync(database, _email, "municipality", OrganisationSignInFixture.Region, subject: null);
        var signIns = app.Services.GetRequiredService<OrganisationSignIns>();
        var identityProvider = signIns.Named(OrganisationSignInFixture.Name)!;
        var person = new ExternalPerson(fixture.Provider.Issuer.ToString(), _subject, _email, true, ["pwd"]);

        var both = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => signIns.SignInAsync(identityProvider, person))));

        Assert.All(both, signedIn => Assert.Equal(userId, signedIn.User?.Id));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM organisation_logins WHERE user_id = @userId", new { userId }));
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'organisation-login-linked' AND subject_id = @id", new { id = userId.ToString() }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnAdministrator_AddsAPersonWithoutPassword_AndLinksThem_ThenThePersonSignsInThroughTheProvider_UntilUnlinked(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = database.Provider, ["ConnectionStrings__Matchmaker"] = database.ConnectionString,
        };
        var issuer = fixture.Provider.Issuer.ToString();

        var added = await SiloProcess.RunAsync(["users", "add", "--email", _email, "--name", "Inkoper", "--role", "municipality",
            "--region", OrganisationSignInFixture.Region, "--sign-in", "organisation"], environment);
        var linked = await SiloProcess.RunAsync(["users", "link-login", "--email", _email, "--issuer", issuer, "--subject", _subject], environment);
        var signedIn = await fixture.SignInThroughProviderAsync(OrganisationSignInFixture.Browser(app), new Person(_subject));
        var unlinked = await SiloProcess.RunAsync(["users", "unlink-login", "--email", _email], environment);
        var afterUnlinking = await fixture.SignInThroughProviderAsync(OrganisationSignInFixture.Browser(app), new Person(_subject));

        Assert.Equal((0, 0, 0), (added.Exit, linked.Exit, unlinked.Exit));
        Assert.Equal("/gemeente", signedIn.Headers.Location?.ToString());
        Assert.Equal("/account/sign-in?organisatie=onbekend", afterUnlinking.Headers.Location?.ToString());
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM users WHERE email = @email AND password_hash IS NOT NULL", new { email = _email }));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'organisation-login-linked' AND detail LIKE @detail",
            new { detail = $"%{_subject}%" }));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'organisation-login-unlinked'"
            + " AND subject_id = (SELECT CAST(id AS TEXT) FROM users WHERE email = @email)", new { email = _email }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AForgedCallback_ACancelledSignIn_AndAnUnknownProvider_AreAnsweredCalmly(string provider)
    {
        var (_, app) = await fixture.ForAsync(provider);
        var browser = OrganisationSignInFixture.Browser(app);

        var forged = await browser.GetAsync($"/signin-oidc/{OrganisationSignInFixture.Name}?code=forged&state=forged");
        var empty = await browser.GetAsync($"/signin-oidc/{OrganisationSignInFixture.Name}");
        var cancelled = await fixture.SignInThroughProviderAsync(browser, person: null);
        var unknown = await browser.GetAsync("/account/organisation/nobody");
        var page = await browser.GetStringAsync("/account/sign-in?organisatie=mislukt");

        Assert.Equal("/account/sign-in?organisatie=mislukt", forged.Headers.Location?.ToString());
        Assert.Equal("/account/sign-in?organisatie=mislukt", empty.Headers.Location?.ToString());
        Assert.Equal("/account/sign-in?organisatie=mislukt", cancelled.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("Aanmelden via uw organisatie is niet gelukt.", page);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheSignInPage_OffersTheOrganisationsButton_WhenAProviderIsConfigured(string provider)
    {
        var (_, app) = await fixture.ForAsync(provider);

        var page = await OrganisationSignInFixture.Browser(app).GetStringAsync("/account/sign-in");

        Assert.Contains($"href=\"/account/organisation/{OrganisationSignInFixture.Name}\">Inloggen via uw organisatie (Testorganisatie)</a>", page);
    }

    /// <summary>
    /// Sessions follow the identity provider: one opened through it ends after its lifetime (an hour by default) however
    /// active the person is, renewals do not move that end, and the next page sends the person through the provider again.
    /// </summary>
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnOrganisationSession_EndsAfterItsLifetime_AndThePersonGoesThroughTheProviderAgain(string provider)
    {
        var (database, app) = await fixture.ForAsync(provider);
        await fixture.AddUserAsync(database, _email, "desk", OrganisationSignInFixture.Region, _subject);
        var browser = OrganisationSignInFixture.Browser(app);
        var tickets = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>>()
            .Get(Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme).TicketDataFormat;

        var signedIn = await fixture.SignInThroughProviderAsync(browser, new Person(_subject, Amr: ["pwd", "mfa"]));
        var cookies = signedIn.Headers.GetValues("Set-Cookie").ToList();
        var session = cookies.Single(c => c.StartsWith("matchmaker=", StringComparison.Ordinal)).Split(';')[0]["matchmaker=".Length..];
        var ticket = tickets.Unprotect(session)!;
        var (issued, expires, allowRefresh) = (ticket.Properties.IssuedUtc, ticket.Properties.ExpiresUtc, ticket.Properties.AllowRefresh);
        var until = DateTimeOffset.Parse(ticket.Properties.Items[Matchmaker.Web.Infrastructure.SessionCheck.SignedInUntilItem]!, System.Globalization.CultureInfo.InvariantCulture);
        var fresh = await WithSessionAsync(app, session, "/api/v1/me");
        // The same session, its end passed (the cookie's own expiry still ahead): the check refuses it.
        var now = DateTimeOffset.UtcNow;
        ticket.Properties.IssuedUtc = now.AddMinutes(-61);
        ticket.Properties.ExpiresUtc = now.AddMinutes(5);
        ticket.Properties.Items[Matchmaker.Web.Infrastructure.SessionCheck.SignedInUntilItem] = now.AddSeconds(-1).ToString("O");
        var ended = tickets.Protect(ticket);
        var api = await WithSessionAsync(app, ended, "/api/v1/me");
        var page = await WithSessionAsync(app, ended, "/tafel?tab=wachtend");
        var atProvider = await browser.GetAsync(page.Headers.Location!.ToString());

        Assert.Equal("/tafel", signedIn.Headers.Location?.ToString());
        Assert.Equal(TimeSpan.FromHours(1), expires - issued);
        Assert.Equal(expires, until);
        Assert.False(allowRefresh);
        Assert.Equal(OrganisationSignInFixture.Name, ticket.Properties.Items[Matchmaker.Web.Infrastructure.SessionCheck.OrganisationItem]);
        Assert.Contains(cookies, c => c.StartsWith($"{Matchmaker.Web.Infrastructure.OrganisationSignIn.HintCookie}={OrganisationSignInFixture.Name};", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal($"/account/organisation/{OrganisationSignInFixture.Name}?returnUrl=%2Ftafel%3Ftab%3Dwachtend", page.Headers.Location?.ToString());
        Assert.StartsWith(fixture.Provider.Issuer.ToString(), atProvider.Headers.Location?.ToString());
    }

    [Fact]
    public void TheSessionCheck_RefusesAnOrganisationSessionFromItsEndOn_AndLeavesOtherSessionsAlone()
    {
        var now = DateTimeOffset.UtcNow;
        Microsoft.AspNetCore.Authentication.AuthenticationProperties Session(string? organisation, DateTimeOffset? until)
        {
            var properties = new Microsoft.AspNetCore.Authentication.AuthenticationProperties();
            if (organisation is not null) properties.Items[Matchmaker.Web.Infrastructure.SessionCheck.OrganisationItem] = organisation;
            if (until is { } end) properties.Items[Matchmaker.Web.Infrastructure.SessionCheck.SignedInUntilItem] = end.ToString("O");
            return properties;
        }

        Assert.False(Matchmaker.Web.Infrastructure.SessionCheck.OrganisationSessionEnded(Session("org", now.AddSeconds(1)), now));
        Assert.True(Matchmaker.Web.Infrastructure.SessionCheck.OrganisationSessionEnded(Session("org", now), now));
        Assert.True(Matchmaker.Web.Infrastructure.SessionCheck.OrganisationSessionEnded(Session("org", null), now));
        Assert.False(Matchmaker.Web.Infrastructure.SessionCheck.OrganisationSessionEnded(Session(null, null), now));
    }

    /// <summary>A request carrying only the given session cookie and the provider hint, as a browser sends them.</summary>
    private static async Task<HttpResponseMessage> WithSessionAsync(Matchmaker.Tests.Infrastructure.MatchmakerWebFactory app, string session, string path)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
            { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost") });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"matchmaker={session}; {Matchmaker.Web.Infrastructure.OrganisationSignIn.HintCookie}={OrganisationSignInFixture.Name}");
        if (path.StartsWith("/api/", StringComparison.Ordinal)) request.Headers.Add("Accept", "application/json");
        return await client.SendAsync(request);
    }

    private sealed record Me(Guid Id, string Kind, string Role, string? RegionCode, string? Name = null);
}
