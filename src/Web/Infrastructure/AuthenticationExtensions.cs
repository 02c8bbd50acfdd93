using System.Text.Encodings.Web;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Matchmaker.Web.Infrastructure;

/// <summary>People sign in with a cookie; systems send <c>Authorization: Bearer &lt;API token&gt;</c>.</summary>
public static class AuthenticationExtensions
{
    public const string ApiTokenScheme = "ApiToken";
    private const string CookieOrTokenScheme = "CookieOrToken";

    public static WebApplicationBuilder AddMatchmakerAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CookieOrTokenScheme)
            .AddPolicyScheme(CookieOrTokenScheme, "Cookie or API token", options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? ApiTokenScheme
                        : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/account/sign-in";
                options.AccessDeniedPath = "/status/403";
                options.Cookie.Name = "matchmaker";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                // An API caller gets a status code, not a redirect to a page it cannot use.
                options.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenScheme, null);
        builder.Services.AddAuthorization();
        return builder;
    }

    private static Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private sealed class ApiTokenHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Database database, DemoOptions demo)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        private sealed class ApiClient
        {
            public Guid Id { get; init; }
            public string Name { get; init; } = "";
            public string Role { get; init; } = "";
            public string? RegionCode { get; init; }
            public Guid? OrganisationId { get; init; }
        }

        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                return AuthenticateResult.NoResult();
            var token = header["Bearer ".Length..].Trim();
            if (token.Length == 0)
                return AuthenticateResult.Fail("The bearer token is empty.");

            await using var connection = await database.OpenAsync(Context.RequestAborted);
            var client = await connection.QuerySingleOrDefaultAsync<ApiClient>("""
                SELECT id AS Id, name AS Name, role AS Role, region_code AS RegionCode, organisation_id AS OrganisationId
                FROM api_clients
                WHERE token_hash = @hash AND revoked_at IS NULL AND (is_demo = false OR @demoEnabled = true)
                """, new { hash = ApiTokens.Hash(token), demoEnabled = demo.Enabled });
            if (client is null)
                return AuthenticateResult.Fail("Unknown or revoked API token.");
            var caller = new Caller(client.Id, "api-client", client.Name, client.Role, client.RegionCode, client.OrganisationId);
            return AuthenticateResult.Success(new AuthenticationTicket(new(caller.ToIdentity(ApiTokenScheme)), ApiTokenScheme));
        }
    }
}
