using System.Security.Claims;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// A sign-in cookie stands for a user as the database knows them. It is checked again at least every minute and on every
/// change (a request that is not GET or HEAD): a disabled or deleted user, a new security stamp (role, region,
/// organisation, password or second factor changed), a demo user while demo mode is off, or a session opened without
/// a second factor for a role that needs one (<c>Mfa:RequiredRoles</c>; a cookie from before it was required) ends it.
/// A session opened through an organisation's identity provider also ends at its fixed time
/// (<see cref="SignedInUntilItem"/>, <see cref="IdentityProvider.SessionLifetime"/>), checked on every request; renewals keep it.
/// Such a session also has a row of its own (<see cref="OrganisationSessionItem"/>, <see cref="OrganisationSessionCheck"/>),
/// read on every request: a back-channel logout or the provider's refusal ends it there, for every node at once.
/// </summary>
public static class SessionCheck
{
    public const string StampClaim = "matchmaker:stamp";
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private const string CheckedAtItem = ".matchmaker-checked";
    public const string OrganisationItem = ".matchmaker-organisation", SignedInUntilItem = ".matchmaker-until";
    public const string OrganisationSessionItem = ".matchmaker-organisation-session";

    /// <summary>Whether the session is one of an identity provider whose lifetime is over (or whose end cannot be read).</summary>
    public static bool OrganisationSessionEnded(AuthenticationProperties properties, DateTimeOffset now) =>
        properties.Items.ContainsKey(OrganisationItem)
        && !(properties.Items.TryGetValue(SignedInUntilItem, out var text)
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var until)
            && now < until);

    /// <summary>
    /// A session of an identity provider stands while its row does (on every request: one primary-key read, and at most
    /// every RevalidateSeconds a question to the provider); one without a row (from before rows were kept) does not.
    /// </summary>
    private static async Task<bool> OrganisationSessionStandsAsync(CookieValidatePrincipalContext context)
    {
        if (!context.Properties.Items.ContainsKey(OrganisationItem)) return true;
        return Caller.From(context.Principal!) is { } caller
            && context.Properties.Items.TryGetValue(OrganisationSessionItem, out var id) && id is { Length: > 0 and <= 64 }
            && await context.HttpContext.RequestServices.GetRequiredService<OrganisationSessionCheck>()
                .StillStandsAsync(id, caller, context.HttpContext.RequestAborted);
    }

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var isChange = !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method);
        var checkedAt = context.Properties.Items.TryGetValue(CheckedAtItem, out var text) && DateTimeOffset.TryParse(text, out var at) ? at : (DateTimeOffset?)null;
        if (OrganisationSessionEnded(context.Properties, now) || !await OrganisationSessionStandsAsync(context))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        if (!isChange && checkedAt is { } last && now - last < Interval && last <= now) return;

        var caller = Caller.From(context.Principal!);
        var stamp = context.Principal!.FindFirstValue(StampClaim);
        var user = caller is null ? null
            : await services.GetRequiredService<Accounts>().SessionOfAsync(caller.Id, context.HttpContext.RequestAborted);
        var demoEnabled = services.GetRequiredService<DemoOptions>().Enabled;
        var secondFactorMissing = caller is not null && user is not null && context.Principal!.FindFirst(PersonSession.SecondFactorClaim) is null
            && services.GetRequiredService<SecondFactors>().IsRequiredFor(caller.Role, user.IsDemo);
        if (user is null || user.Disabled || (user.IsDemo && !demoEnabled) || user.SecurityStamp != stamp || secondFactorMissing)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        if (checkedAt is null || now - checkedAt >= Interval)
        {
            context.Properties.Items[CheckedAtItem] = now.ToString("O");
            // A renewed cookie keeps the span from issued to expires: the organisation session's end stays where it was.
            if (context.Properties.Items.TryGetValue(SignedInUntilItem, out var until) && DateTimeOffset.TryParse(until, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.RoundtripKind, out var end))
                (context.Properties.IssuedUtc, context.Properties.ExpiresUtc) = (now, end);
            context.ShouldRenew = true;
        }
    }
}
