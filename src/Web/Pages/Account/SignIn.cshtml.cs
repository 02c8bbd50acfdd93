using System.ComponentModel.DataAnnotations;
using Dapper;
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

/// <summary>Sign in with e-mail and password, or (demo mode only) with one click as a demo user of a region.</summary>
public sealed class SignInModel(Database database, DemoOptions demo) : PageModel
{
    private sealed class UserRecord
    {
        public Guid Id { get; init; }
        public string DisplayName { get; init; } = "";
        public string Role { get; init; } = "";
        public string? RegionCode { get; init; }
        public Guid? OrganisationId { get; init; }
        public string? PasswordHash { get; init; }
        public bool IsDemo { get; init; }
    }

    private const string SelectUserByEmail = """
        SELECT id AS Id, display_name AS DisplayName, role AS Role, region_code AS RegionCode,
               organisation_id AS OrganisationId, password_hash AS PasswordHash, is_demo AS IsDemo
        FROM users
        WHERE email = @email
        """;

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

    public bool DemoEnabled => demo.Enabled;
    public IReadOnlyList<DemoRegion> Regions => DemoRegions.All;
    public string? DemoError { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (!ModelState.IsValid) return Page();
        await using var connection = await database.OpenAsync(HttpContext.RequestAborted);
        var user = await connection.QuerySingleOrDefaultAsync<UserRecord>(SelectUserByEmail, new { email = Input.Email.Trim().ToLowerInvariant() });
        var verified = user is { PasswordHash: not null, IsDemo: false }
            && new PasswordHasher<object>().VerifyHashedPassword(user, user.PasswordHash, Input.Password) != PasswordVerificationResult.Failed;
        if (!verified)
        {
            ModelState.AddModelError(string.Empty, "Deze combinatie van e-mailadres en wachtwoord kennen we niet.");
            return Page();
        }
        await SignInAsync(user!);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : HomeOf(user!.Role));
    }

    public async Task<IActionResult> OnPostDemoAsync(string? region, string? role)
    {
        if (!demo.Enabled) return NotFound();
        ModelState.Clear();
        var isAdmin = role == Roles.Admin;
        if (role is null || !(isAdmin || Roles.DemoSignInRoles.Contains(role)) || !DemoRegions.All.Any(r => r.Code == region))
        {
            DemoError = "Kies een regio en een rol.";
            return Page();
        }
        // The demo administrator belongs to no region: the operators' pages (the Orleans dashboard, metrics).
        var email = isAdmin ? $"admin@{DemoDataGenerator.DemoEmailDomain}" : DemoDataGenerator.DemoEmail(role, region!);
        await using var connection = await database.OpenAsync(HttpContext.RequestAborted);
        var user = await connection.QuerySingleOrDefaultAsync<UserRecord>(SelectUserByEmail + " AND is_demo = true", new { email });
        if (user is null)
        {
            DemoError = "Voor deze regio is geen demo-gebruiker met deze rol. Laad de demo opnieuw met 'seed --reset'.";
            return Page();
        }
        await SignInAsync(user);
        return LocalRedirect(HomeOf(user.Role));
    }

    /// <summary>Where each role starts its work.</summary>
    public static string HomeOf(string role) => role switch
    {
        Roles.Desk => "/tafel",
        Roles.Provider => "/aanbieder",
        Roles.Municipality => "/gemeente",
        Roles.Admin => "/ops/orleans/",
        _ => "/",
    };

    private Task SignInAsync(UserRecord user)
    {
        var caller = new Caller(user.Id, "user", user.DisplayName, user.Role, user.RegionCode, user.OrganisationId);
        return HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            new(caller.ToIdentity(CookieAuthenticationDefaults.AuthenticationScheme)));
    }
}
