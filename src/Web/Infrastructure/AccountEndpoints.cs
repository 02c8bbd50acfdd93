using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Matchmaker.Web.Infrastructure;

public static class AccountEndpoints
{
    /// <summary>Signing out is a POST with the antiforgery token from the layout's form; without it nobody is signed out.</summary>
    public static void MapAccountEndpoints(this WebApplication app) =>
        app.MapPost("/account/sign-out", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
                return Results.Problem(statusCode: 400, title: "Bad request", detail: "Sign out from Matchmaker's own page.");
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            OrganisationSignIn.ForgetProvider(context);
            return Results.Redirect("/");
        }).AllowAnonymous();
}
