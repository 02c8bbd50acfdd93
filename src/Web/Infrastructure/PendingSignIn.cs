using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Matchmaker.Silo.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// Half signed in: the password was right, the second factor is still to come. This is no session: a cookie of its own
/// (<c>matchmaker-pending</c>, path <c>/account</c>, HttpOnly, SameSite=Strict), protected with the shared key ring
/// under a purpose of its own and valid for <see cref="Lifetime"/>, that only the enrolment and code pages read. It
/// names the user and their security stamp (a reset, a new password or <c>users disable</c> meanwhile ends it) and,
/// while enrolling, the new TOTP secret until its first code confirms it. Nothing of the market accepts it.
/// </summary>
public sealed class PendingSignIns(IDataProtectionProvider protection, Accounts accounts)
{
    public const string CookieName = "matchmaker-pending";
    public const string Purpose = "Matchmaker.Mfa.PendingSignIn.v1";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    /// <param name="Organisation">The identity provider the password step was done at, if any: the session it leads to lasts as that provider says.</param>
    /// <param name="OrganisationSession">With <paramref name="Organisation"/>, the session's server-side row (<see cref="OrganisationSessions"/>).</param>
    public sealed record Pending(Guid UserId, string Stamp, string? ReturnUrl, string? NewSecret, string? Organisation = null, string? OrganisationSession = null);

    public void Start(HttpContext context, Accounts.Account user, string? returnUrl, string? organisation = null, string? organisationSession = null) =>
        Write(context, new Pending(user.Id, user.SecurityStamp, returnUrl, null, organisation, organisationSession));

    public void Write(HttpContext context, Pending pending) =>
        context.Response.Cookies.Append(CookieName, _protector.Protect(JsonSerializer.Serialize(pending), Lifetime), new CookieOptions
        {
            Path = "/account",
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            MaxAge = Lifetime,
            IsEssential = true,
        });

    /// <summary>The half-finished sign-in this browser carries, or null (none, expired, or not ours).</summary>
    public Pending? Read(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var text) || text.Length is 0 or > 4000) return null;
        try
        {
            return JsonSerializer.Deserialize<Pending>(_protector.Unprotect(text));
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The pending sign-in with its account as the database knows it now, or null when there is none or it no longer
    /// stands: the user was deleted or disabled, or has a new security stamp (password, role or second factor reset).
    /// </summary>
    public async Task<(Pending Pending, Accounts.Account User)?> ResumeAsync(HttpContext context)
    {
        if (Read(context) is not { } pending) return null;
        var user = await accounts.ByIdAsync(pending.UserId, context.RequestAborted);
        if (user is null || user.Disabled || user.IsDemo || user.SecurityStamp != pending.Stamp) return null;
        return (pending, user);
    }

    public static void End(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/account", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
}

/// <summary>The session cookie of a person, issued only when every step their role needs is done.</summary>
public static class PersonSession
{
    /// <summary>Present, with the method, when the session was opened with a second factor (<c>totp</c>, <c>recovery-code</c>).</summary>
    public const string SecondFactorClaim = "matchmaker:mfa";

    /// <summary>
    /// The session cookie. Through an organisation's identity provider (<paramref name="organisation"/>, its name) the
    /// session ends at a fixed time (<see cref="IdentityProvider.SessionLifetime"/>, kept in the ticket and checked by
    /// <see cref="SessionCheck"/>; renewals do not move it), and a cookie of its own remembers the provider so that
    /// the next sign-in goes through it again (<see cref="OrganisationSignIn.HintCookie"/>). The ticket names the session's
    /// server-side row (<paramref name="organisationSession"/>), which the provider can end (<see cref="OrganisationSessionCheck"/>).
    /// </summary>
    public static Task SignInAsync(HttpContext context, Accounts.Account user, string? secondFactor, string? organisation = null, string? organisationSession = null)
    {
        var caller = new Caller(user.Id, "user", user.DisplayName, user.Role, user.RegionCode, user.OrganisationId);
        var identity = caller.ToIdentity(CookieAuthenticationDefaults.AuthenticationScheme);
        identity.AddClaim(new Claim(SessionCheck.StampClaim, user.SecurityStamp));
        if (secondFactor is not null) identity.AddClaim(new Claim(SecondFactorClaim, secondFactor));
        var principal = new ClaimsPrincipal(identity);
        // A page shown in this same response (the recovery codes) already shows the person signed in, with the sign-out form.
        context.User = principal;
        var through = context.RequestServices.GetRequiredService<OrganisationSignIns>().Named(organisation);
        if (through is null)
        {
            // Signed in here, with a password: a later page without a session leads to the sign-in page, not to a provider.
            OrganisationSignIn.ForgetProvider(context);
            return context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        }
        // Whole seconds, as the ticket keeps its issued and expires times.
        var clock = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var now = clock.AddTicks(-(clock.Ticks % TimeSpan.TicksPerSecond));
        var until = now + through.SessionLifetime;
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = until, AllowRefresh = false };
        properties.Items[SessionCheck.OrganisationItem] = through.Name;
        properties.Items[SessionCheck.SignedInUntilItem] = until.ToString("O");
        if (organisationSession is not null) properties.Items[SessionCheck.OrganisationSessionItem] = organisationSession;
        OrganisationSignIn.RememberProvider(context, through);
        return context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, properties);
    }
}
