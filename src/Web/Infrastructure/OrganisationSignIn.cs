using System.Security.Claims;
using Matchmaker.Silo.Access;
using Matchmaker.Web.Pages.Account;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// Sign-in through the organisation's own identity provider (OpenID Connect: authorization code with PKCE, one scheme per
/// provider in <c>IdentityProviders</c>). <c>GET /account/organisation/{name}</c> sends the person there; the provider
/// answers at <c>/signin-oidc/{name}</c>, where the engine (<see cref="OrganisationSignIns"/>) decides who that is. The
/// provider's token opens no session by itself: Matchmaker's own session cookie does, for the user row, after the
/// second step when the provider reports none (<c>amr</c>) and the role needs one (<c>Mfa:RequiredRoles</c>).
/// </summary>
public static class OrganisationSignIn
{
    public const string Path = "/account/organisation";

    /// <summary>The session's second-factor claim when the identity provider reported one.</summary>
    public const string SecondFactorAtProvider = "identity-provider";

    /// <summary>The refusal codes on the sign-in page (<c>?organisatie=...</c>).</summary>
    public const string UnknownCode = "onbekend", DisabledCode = "uitgeschakeld", FailedCode = "mislukt";

    private const string SubjectClaim = "sub", EmailClaim = "email", EmailVerifiedClaim = "email_verified", AmrClaim = "amr", SessionIdClaim = "sid";

    /// <summary>Where the token response's refresh token waits, in this request only, for the session's row.</summary>
    private const string RefreshTokenItem = ".matchmaker-refresh-token";

    public static WebApplicationBuilder AddMatchmakerOrganisationSignIn(this WebApplicationBuilder builder)
    {
        var authentication = builder.Services.AddAuthentication();
        foreach (var provider in IdentityProviders.Of(builder.Configuration, OrganisationSignIns.AllowsHttp(builder.Environment)))
            authentication.AddOpenIdConnect(provider.Scheme, provider.DisplayName, options => Configure(options, provider));
        builder.Services.AddSingleton<OrganisationSessionCheck>();
        return builder;
    }

    private static void Configure(OpenIdConnectOptions options, IdentityProvider provider)
    {
        options.Authority = provider.Authority.ToString();
        // Plain http only where the configuration allows it (Development, Test): see IdentityProviders.
        options.RequireHttpsMetadata = provider.Authority.Scheme == Uri.UriSchemeHttps;
        options.ClientId = provider.ClientId;
        options.ClientSecret = provider.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.CallbackPath = provider.CallbackPath;
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.Scope.Add("email");
        // A refresh token lets Matchmaker ask the provider again, while the session lasts, whether the person still counts.
        options.Scope.Add("offline_access");
        options.GetClaimsFromUserInfoEndpoint = false;
        options.SaveTokens = false;
        options.MapInboundClaims = false;
        options.ClaimActions.Remove(AmrClaim);
        options.DisableTelemetry = true;
        if (provider.Authority.Scheme == Uri.UriSchemeHttp)
        {
            // A plain-http provider exists only in Development and Test, beside a plain-http Matchmaker: its correlation and
            // nonce cookies cannot be Secure there (and SameSite=None needs Secure); the answer is a top-level GET, so Lax holds.
            options.CorrelationCookie.SecurePolicy = options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.CorrelationCookie.SameSite = options.NonceCookie.SameSite = SameSiteMode.Lax;
        }
        // Never used to sign in: the ticket is handled below, and only Matchmaker's own session is issued.
        options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        options.Events.OnTokenResponseReceived = context =>
        {
            context.HttpContext.Items[RefreshTokenItem] = context.TokenEndpointResponse.RefreshToken;
            return Task.CompletedTask;
        };
        options.Events.OnTicketReceived = context => CompleteAsync(context, provider);
        options.Events.OnRemoteFailure = FailedAsync;
    }

    /// <summary>Sends the person to the named provider; an unknown name is 404.</summary>
    public static void MapOrganisationSignIn(this WebApplication app) =>
        app.MapGet(Path + "/{name}", (string name, string? returnUrl, OrganisationSignIns signIns) =>
            signIns.Named(name) is { } provider
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOrNull(returnUrl) ?? "/" }, [provider.Scheme])
                : Results.NotFound()).AllowAnonymous();

    private static async Task CompleteAsync(TicketReceivedContext context, IdentityProvider provider)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var services = http.RequestServices;
        var claims = context.Principal!;
        var subject = claims.FindFirst(SubjectClaim);
        if (subject is null)
        {
            http.Response.Redirect(RefusedPath(FailedCode));
            return;
        }
        var person = new ExternalPerson(subject.Issuer, subject.Value, claims.FindFirstValue(EmailClaim),
            bool.TryParse(claims.FindFirstValue(EmailVerifiedClaim), out var verified) && verified,
            claims.FindAll(AmrClaim).Select(c => c.Value).ToList());
        var result = await services.GetRequiredService<OrganisationSignIns>().SignInAsync(provider, person, http.RequestAborted);
        if (result.Refusal is { } refusal)
        {
            http.Response.Redirect(RefusedPath(refusal == OrganisationSignInRefusal.Disabled ? DisabledCode : UnknownCode));
            return;
        }
        var user = result.User!;
        // The session's row, which the provider can end (back-channel logout, or refusing the refresh token later on).
        var session = await services.GetRequiredService<OrganisationSessions>().StartAsync(provider, user, subject.Value,
            claims.FindFirstValue(SessionIdClaim) is { Length: > 0 and <= 255 } sid ? sid : null,
            services.GetRequiredService<OrganisationSessionCheck>().Protect(http.Items[RefreshTokenItem] as string), http.RequestAborted);
        var returnUrl = LocalOrNull(context.ReturnUri) is { } url && url != "/" ? url : null;
        var secondFactors = services.GetRequiredService<SecondFactors>();
        if (!result.SecondFactorDone && secondFactors.IsRequiredFor(user.Role, user.IsDemo))
        {
            services.GetRequiredService<PendingSignIns>().Start(http, user, returnUrl, provider.Name, session);
            http.Response.Redirect(await secondFactors.IsEnrolledAsync(user.Id, http.RequestAborted) ? CodeModel.Path : EnrolModel.Path);
            return;
        }
        await PersonSession.SignInAsync(http, user, result.SecondFactorDone ? SecondFactorAtProvider : null, provider.Name, session);
        http.Response.Redirect(returnUrl ?? SignInModel.HomeOf(user.Role));
    }

    /// <summary>
    /// The provider said no (the person cancelled, an error), or the answer does not hold (state, nonce, code or token
    /// refused): logged, and the sign-in page says it did not work. Never a 500 for a forged or stale callback.
    /// </summary>
    private static Task FailedAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OrganisationSignIn).FullName!)
            .LogWarning("Organisation sign-in through {Scheme} failed: {Reason}", context.Scheme.Name, context.Failure?.Message);
        context.Response.Redirect(RefusedPath(FailedCode));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Names the provider the person last signed in through (no secret: only which button they would press). When their
    /// session has ended (<see cref="IdentityProvider.SessionLifetime"/>) a page they open sends them through that provider
    /// again, which answers at once while their session there lasts and asks them to sign in when it does not (they
    /// left, or were removed). Signing out deletes it.
    /// </summary>
    public const string HintCookie = "matchmaker-organisation";

    public static void RememberProvider(HttpContext context, IdentityProvider provider) =>
        context.Response.Cookies.Append(HintCookie, provider.Name, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps, IsEssential = true, MaxAge = TimeSpan.FromDays(30),
        });

    public static void ForgetProvider(HttpContext context)
    {
        if (context.Request.Cookies.ContainsKey(HintCookie))
            context.Response.Cookies.Delete(HintCookie, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps });
    }

    /// <summary>
    /// Where a person without a session who opens a page (GET) goes: through the identity provider they last signed in
    /// through (<see cref="HintCookie"/>, a provider still configured), back to that page; null: the sign-in page.
    /// </summary>
    public static string? ThroughProviderAgain(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || !context.Request.Cookies.TryGetValue(HintCookie, out var name)) return null;
        if (context.RequestServices.GetRequiredService<OrganisationSignIns>().Named(name) is not { } provider) return null;
        var back = LocalOrNull(context.Request.PathBase + context.Request.Path + context.Request.QueryString) ?? "/";
        return $"{Path}/{provider.Name}?returnUrl={Uri.EscapeDataString(back)}";
    }

    private static string RefusedPath(string code) => $"/account/sign-in?organisatie={code}";

    private static string? LocalOrNull(string? url) =>
        url is { Length: > 0 and < 2000 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            ? url : null;

    /// <summary>The sign-in page's sentence for a refusal code, or null.</summary>
    public static string? RefusalText(string? code) => code switch
    {
        UnknownCode => "U bent bij uw organisatie aangemeld, maar Matchmaker kent u niet. Vraag de beheerder van Matchmaker in uw organisatie om u toegang te geven.",
        DisabledCode => "Uw account in Matchmaker is uitgeschakeld. Vraag de beheerder van Matchmaker in uw organisatie om u weer toegang te geven.",
        FailedCode => "Aanmelden via uw organisatie is niet gelukt. Probeer het opnieuw, of meld u aan met uw e-mailadres en wachtwoord.",
        _ => null,
    };
}
