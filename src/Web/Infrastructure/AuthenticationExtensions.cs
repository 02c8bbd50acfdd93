using System.Text.Encodings.Web;
using Matchmaker.Silo.Access;
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
                options.Events.OnValidatePrincipal = SessionCheck.ValidateAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenScheme, null);
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton<PendingSignIns>();
        return builder;
    }

    private static Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (ErrorPagesExtensions.ForMachines(context.HttpContext))
        {
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status401Unauthorized)
                context.Response.Headers.WWWAuthenticate = "Bearer";
            return Task.CompletedTask;
        }
        // A person whose organisation session ended goes through their identity provider again, silently while it knows them.
        context.Response.Redirect(status == StatusCodes.Status401Unauthorized && OrganisationSignIn.ThroughProviderAgain(context.HttpContext) is { } again
            ? again : context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A bearer token is valid when it is known, not revoked, not expired and (for demo tokens) demo mode is on. A client
    /// address that sent too many unknown tokens in a minute (counted for the whole cluster) gets 429 with Retry-After
    /// for its further unknown ones; a right token is still accepted, so a stranger behind the same address cannot
    /// stop every system.
    /// </summary>
    private sealed class ApiTokenHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiClients clients,
        SignInThrottle throttle, TimeProvider clock)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        private string? _failure;
        private TimeSpan? _blocked;

        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                return AuthenticateResult.NoResult();
            var token = header["Bearer ".Length..].Trim();
            if (token.Length is 0 or > 200)
                return await FailedAsync("The bearer token is empty or malformed.");

            var client = await clients.ByTokenAsync(token, Context.RequestAborted);
            if (client is null)
                return await FailedAsync("The token is unknown or revoked.");
            if (client.ExpiresAt is { } expires && expires <= clock.GetUtcNow())
            {
                _failure = $"The token expired on {expires:yyyy-MM-dd}.";
                return AuthenticateResult.Fail(_failure);
            }
            var caller = new Caller(client.Id, "api-client", client.Name, client.Role, client.RegionCode, client.OrganisationId);
            var identity = caller.ToIdentity(ApiTokenScheme);
            foreach (var scope in Silo.Access.Scopes.Parse(client.Scopes))
                identity.AddClaim(new System.Security.Claims.Claim(ScopeRequirement.ScopeClaim, scope));
            return AuthenticateResult.Success(new AuthenticationTicket(new(identity), ApiTokenScheme));
        }

        private async Task<AuthenticateResult> FailedAsync(string reason)
        {
            _blocked = await throttle.AddressFailedAsync(SignInThrottle.Door.Token, ClientAddress.Of(Context));
            _failure = reason;
            return AuthenticateResult.Fail(_blocked is null ? reason : "Too many unknown tokens from this address.");
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            if (_blocked is { } wait)
            {
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ClientAddress.WriteRetryAfter(Context, wait);
                return Task.CompletedTask;
            }
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = _failure is null
                ? "Bearer"
                : $"Bearer error=\"invalid_token\", error_description=\"{_failure}\"";
            return Task.CompletedTask;
        }
    }
}
