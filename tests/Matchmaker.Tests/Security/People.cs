using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Security;

/// <summary>
/// Browsers signed in as every role, in the scenario's region and in the other one (national and admin belong to no
/// region), plus an anonymous one; redirects are not followed, so a refusal shows as it is.
/// </summary>
public static class People
{
    public const string Anonymous = "anonymous";
    public static readonly string[] Roles = [Silo.Access.Roles.Desk, Silo.Access.Roles.Caseworker, Silo.Access.Roles.Provider,
        Silo.Access.Roles.Municipality, Silo.Access.Roles.Network, Silo.Access.Roles.National, Silo.Access.Roles.Admin, Anonymous];
    public const string NationalEmail = "landelijk@minvws.example";
    public const string NationalPassword = "a national password";

    public static HttpClient Browser(MarketScenario market) =>
        market.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A browser signed in as <paramref name="role"/> of <paramref name="region"/> (ignored for national and admin).</summary>
    public static async Task<HttpClient> SignedInAsync(MarketScenario market, string role, string region)
    {
        var browser = Browser(market);
        if (role == Anonymous) return browser;
        if (role == Silo.Access.Roles.National)
        {
            await AddNationalUserAsync(market);
            (await SignIn.WithPasswordAsync(browser, NationalEmail, NationalPassword)).EnsureRedirect();
        }
        else
            (await SignIn.AsDemoAsync(browser, region, role)).EnsureRedirect();
        return browser;
    }

    private static async Task AddNationalUserAsync(MarketScenario market)
    {
        await using var connection = await market.Database.Database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            SELECT @id, @email, 'Landelijk', 'national', NULL, NULL, @hash, false, @now, 'stamp'
            WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = @email)
            """, new { id = Guid.NewGuid(), email = NationalEmail, hash = new PasswordHasher<object>().HashPassword(new object(), NationalPassword), now = DateTimeOffset.UtcNow });
    }

    private static void EnsureRedirect(this HttpResponseMessage response)
    {
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in answered {(int)response.StatusCode}, not a redirect.");
    }

    /// <summary>The antiforgery token a page form of this browser would carry.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient browser) =>
        SignIn.AntiforgeryToken(await browser.GetStringAsync("/account/sign-in"));
}
