using System.ComponentModel.DataAnnotations;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Demo;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Account;

/// <summary>
/// Sign in with e-mail and password, through the organisation's own identity provider when one is configured
/// (<see cref="OrganisationSignIn"/>), or (demo mode only) with one click as a demo user of a region.
/// </summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class SignInModel(
    Accounts accounts, DemoOptions demo, SignInThrottle throttle, SecondFactors secondFactors, PendingSignIns pending, OrganisationSignIns organisations)
    : PageModel
{
    // Verified when the address is unknown, so a known and an unknown address take the same time to refuse.
    private static readonly string UnknownUserHash = new PasswordHasher<object>().HashPassword(new object(), "no user has this password");

    public sealed class PasswordInput
    {
        [Required(ErrorMessage = "Vul uw e-mailadres in.")]
        [EmailAddress(ErrorMessage = "Dit is geen geldig e-mailadres.")]
        [Display(Name = "E-mailadres")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Vul uw wachtwoord in.")]
        [DataType(DataType.Password)]
        [Display(Name = "Wachtwoord")]
        public string Password { get; set; } = "";
    }

    [BindProperty] public PasswordInput Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    /// <summary>Why an organisation sign-in came back refused (<see cref="OrganisationSignIn.RefusalText"/>).</summary>
    [FromQuery(Name = "organisatie")] public string? OrganisationRefusal { get; set; }

    /// <summary>The identity providers configured (<c>IdentityProviders</c>): a button each, none without.</summary>
    public IReadOnlyList<IdentityProvider> Organisations => organisations.Providers;
    public string? OrganisationError => OrganisationSignIn.RefusalText(OrganisationRefusal);

    public bool DemoEnabled => demo.Enabled;
    public IReadOnlyList<DemoRegion> Regions => DemoRegions.All;
    public string? DemoError { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>
    /// Counted for the whole cluster (<see cref="SignInThrottle"/>): the client address's failures in a minute, and the
    /// attempts at this account from this address. A known and an unknown e-mail address are answered alike.
    /// </summary>
    public async Task<IActionResult> OnPostPasswordAsync()
    {
        var address = ClientAddress.Of(HttpContext);
        if (await throttle.AddressBlockedAsync(SignInThrottle.Door.Password, address, HttpContext.RequestAborted) is { } wait)
            return TooManyAttempts(wait);
        if (!ModelState.IsValid) return Page();
        var email = Input.Email.Trim().ToLowerInvariant();
        if (await throttle.TakeAttemptAsync(email, address) is not null)
            return await RefusedAsync(address);
        var user = await accounts.ByEmailAsync(email, demoOnly: false, HttpContext.RequestAborted);
        var usable = user is { PasswordHash: not null, IsDemo: false, Disabled: false };
        var matches = new PasswordHasher<object>().VerifyHashedPassword(user ?? new object(), user?.PasswordHash ?? UnknownUserHash, Input.Password)
            != PasswordVerificationResult.Failed;
        if (!usable || !matches)
            return await RefusedAsync(address);
        await throttle.SucceededAsync(email, address);
        var returnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null;
        // No session yet for a role that needs a second factor: a short-lived pending sign-in leads to the code, or to
        // enrolment the first time (or after 'users reset-mfa').
        if (secondFactors.IsRequiredFor(user!.Role, user.IsDemo))
        {
            pending.Start(HttpContext, user, returnUrl);
            return LocalRedirect(await secondFactors.IsEnrolledAsync(user.Id, HttpContext.RequestAborted) ? CodeModel.Path : EnrolModel.Path);
        }
        await PersonSession.SignInAsync(HttpContext, user, secondFactor: null);
        return LocalRedirect(returnUrl ?? HomeOf(user.Role));
    }

    private async Task<IActionResult> RefusedAsync(string address)
    {
        await throttle.AddressFailedAsync(SignInThrottle.Door.Password, address);
        ModelState.AddModelError(string.Empty,
            "Deze combinatie van e-mailadres en wachtwoord kennen we niet. Na vijf mislukte pogingen moet u enkele minuten wachten voor u het opnieuw probeert.");
        return Page();
    }

    private IActionResult TooManyAttempts(TimeSpan wait)
    {
        ClientAddress.WriteRetryAfter(HttpContext, wait);
        ModelState.AddModelError(string.Empty, $"Te veel mislukte pogingen vanaf dit adres. Probeer het over {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minuut opnieuw.");
        var page = Page();
        page.StatusCode = StatusCodes.Status429TooManyRequests;
        return page;
    }

    public async Task<IActionResult> OnPostDemoAsync(string? region, string? role)
    {
        if (!demo.Enabled) return NotFound();
        ModelState.Clear();
        var regionless = role is Roles.Admin or Roles.National;
        if (role is null || !(regionless || Roles.DemoSignInRoles.Contains(role)) || !DemoRegions.All.Any(r => r.Code == region))
        {
            DemoError = "Kies een regio en een rol.";
            return Page();
        }
        // The demo administrator (the operators' pages) and the national user (all regions' aggregates) belong to no region.
        var email = role switch
        {
            Roles.Admin => $"admin@{DemoDataGenerator.DemoEmailDomain}",
            Roles.National => DemoDataGenerator.NationalDemoEmail,
            _ => DemoDataGenerator.DemoEmail(role, region!),
        };
        var user = await accounts.ByEmailAsync(email, demoOnly: true, HttpContext.RequestAborted);
        if (user is null)
        {
            DemoError = "Voor deze regio is geen demo-gebruiker met deze rol. Laad de demo opnieuw met 'seed --reset'.";
            return Page();
        }
        // Demo users (demo mode only) sign in without a second factor: the demo and its browser tests stay one click.
        await PersonSession.SignInAsync(HttpContext, user, secondFactor: null);
        return LocalRedirect(HomeOf(user.Role));
    }

    /// <summary>Where each role starts its work.</summary>
    public static string HomeOf(string role) => role switch
    {
        Roles.Desk => "/tafel",
        Roles.Provider => "/aanbieder",
        Roles.Municipality => "/gemeente",
        Roles.Caseworker => "/jeugdbeschermer",
        Roles.Network => "/bovenregionaal",
        Roles.National => "/landelijk",
        Roles.Admin => "/ops/orleans/",
        _ => "/",
    };
}
