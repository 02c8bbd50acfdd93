using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Matchmaker.Web.Infrastructure;

public static class AccountEndpoints
{
    /// <summary>Signing out is a POST (with the antiforgery token from the layout's form).</summary>
    public static void MapAccountEndpoints(this WebApplication app) =>
        app.MapPost("/account/sign-out", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/");
        });
}
