using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// An organisation's identity provider for the tests: a real OpenID Connect server (OpenIddict, in degraded mode: no
/// store) on a free loopback port, with one client (<see cref="ClientId"/>, its secret, PKCE required, redirect URIs
/// under <c>/signin-oidc/</c> of https://localhost (the in-process app) or of a web node on http://127.0.0.1). Its authorization endpoint asks nobody: it signs in the person the
/// test put in <see cref="Next"/> (none: it answers access_denied), with the claims and <c>amr</c> values given.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "matchmaker-test";
    public const string ClientSecret = "the test client's secret";

    /// <summary>Who signs in at the provider: their subject, e-mail address (verified or not) and how (<c>amr</c>, RFC 8176).</summary>
    public sealed record Person(string Subject, string? Email = null, bool EmailVerified = false, string[]? Amr = null, string? Role = null);

    private readonly WebApplication _app;

    private TestIdentityProvider(WebApplication app, Uri issuer)
    {
        _app = app;
        Issuer = issuer;
    }

    public Uri Issuer { get; }

    /// <summary>The person the next authorization request signs in (the tests of a class run one after another).</summary>
    public Person? Next { get; set; }

    /// <summary>The token requests the provider refused (a wrong secret, a wrong PKCE verifier ...), by error.</summary>
    public ConcurrentQueue<string> RefusedTokenRequests { get; } = new();

    /// <summary>The subjects whose refresh tokens were redeemed (Matchmaker asking again whether the person still counts).</summary>
    public ConcurrentQueue<string> RefreshRequests { get; } = new();

    /// <summary>People removed here: their refresh tokens are refused with invalid_grant from now on.</summary>
    public ConcurrentDictionary<string, bool> Removed { get; } = new();

    /// <summary>While true, the token endpoint answers 503 (the provider is down).</summary>
    public bool Down { get; set; }

    /// <summary>How long the token endpoint waits before it answers (a slow provider).</summary>
    public TimeSpan Slow { get; set; }

    /// <summary>The session id (<c>sid</c>) of the last sign-in here, per subject.</summary>
    public ConcurrentDictionary<string, string> SessionOf { get; } = new();

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var port = WebNode.FreePort();
        var issuer = new Uri($"http://127.0.0.1:{port}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        TestIdentityProvider? self = null;
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(issuer);
            options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange().AllowRefreshTokenFlow();
            options.RegisterScopes(Scopes.Email, Scopes.OfflineAccess);
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            options.EnableDegradedMode();
            options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            // Degraded mode has no application store: the client and its redirect URIs are checked here.
            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                    context.Reject(Errors.InvalidClient, "Unknown client.");
                else if (!IsRegistered(context.RedirectUri))
                    context.Reject(Errors.InvalidRequest, "This redirect_uri is not registered.");
                return default;
            }));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.ClientSecret != ClientSecret)
                {
                    self?.RefusedTokenRequests.Enqueue(Errors.InvalidClient);
                    context.Reject(Errors.InvalidClient, "Unknown client or wrong secret.");
                }
                return default;
            }));
            // A person removed here can no longer renew: the refresh token's subject is looked up as a real provider does.
            options.AddEventHandler<HandleTokenRequestContext>(handler => handler
                .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.Exchange.AttachPrincipal.Descriptor.Order + 1_000)
                .UseInlineHandler(context =>
                {
                    if (!context.Request.IsRefreshTokenGrantType()) return default;
                    var subject = context.Principal?.GetClaim(Claims.Subject) ?? "";
                    self?.RefreshRequests.Enqueue(subject);
                    if (self?.Removed.ContainsKey(subject) == true)
                        context.Reject(Errors.InvalidGrant, "The person is no longer known here.");
                    return default;
                }));
        });
        var app = builder.Build();
        self = new TestIdentityProvider(app, issuer);
        app.Use(async (context, next) =>
        {
            if (self.Down && context.Request.Path.StartsWithSegments("/connect/token"))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            if (self.Slow > TimeSpan.Zero && context.Request.Path.StartsWithSegments("/connect/token"))
                await Task.Delay(self.Slow, CancellationToken.None);
            await next(context);
        });
        // After the switch above: OpenIddict answers its endpoints in the authentication middleware.
        app.UseAuthentication();
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (HttpContext context) => self.Authorize(context));
        await app.StartAsync();
        return self;
    }

    private static bool IsRegistered(string? redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) && uri.AbsolutePath.StartsWith("/signin-oidc/", StringComparison.Ordinal)
        && uri.Query.Length == 0 && ((uri.Scheme == Uri.UriSchemeHttps && uri.Host == "localhost" && uri.IsDefaultPort)
            || (uri.Scheme == Uri.UriSchemeHttp && uri.Host == "127.0.0.1"));

    private IResult Authorize(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenID Connect request.");
        if (Next is not { } person)
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        var identity = new ClaimsIdentity("test-identity-provider", Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, person.Subject));
        var session = $"sid-{Guid.NewGuid():N}";
        identity.AddClaim(new Claim("sid", session));
        SessionOf[person.Subject] = session;
        if (person.Email is not null)
        {
            identity.AddClaim(new Claim(Claims.Email, person.Email));
            identity.AddClaim(new Claim(Claims.EmailVerified, person.EmailVerified ? "true" : "false", ClaimValueTypes.Boolean));
        }
        foreach (var amr in person.Amr ?? ["pwd"])
            identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, amr));
        // What an identity provider may say about roles: Matchmaker must not believe it.
        if (person.Role is not null)
            identity.AddClaim(new Claim(Claims.Role, person.Role));
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// A back-channel logout token as this provider signs it (with its own signing key, the one its JWKS publishes):
    /// <paramref name="claims"/> beside the defaults (iss, aud, iat, exp, jti, the logout event); a null value leaves a
    /// default out. <paramref name="signingKey"/>: another key (a forger's).
    /// </summary>
    public string? SigningKeyId =>
        _app.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.SigningCredentials.First().Key.KeyId;

    public string LogoutToken(IDictionary<string, object?> claims, SigningCredentials? signingKey = null, string type = "logout+jwt")
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new Dictionary<string, object?>
        {
            ["iss"] = Issuer.ToString(), ["aud"] = ClientId, ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddMinutes(2).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["events"] = new Dictionary<string, object> { ["http://schemas.openid.net/event/backchannel-logout"] = new Dictionary<string, object>() },
        };
        foreach (var (key, value) in claims) payload[key] = value;
        var credentials = signingKey ?? _app.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.SigningCredentials.First();
        return new JsonWebTokenHandler().CreateToken(System.Text.Json.JsonSerializer.Serialize(payload.Where(p => p.Value is not null).ToDictionary()),
            credentials, new Dictionary<string, object> { ["typ"] = type });
    }

    /// <summary>
    /// The settings that configure this provider in Matchmaker as <c>IdentityProviders:{name}</c>, for
    /// <paramref name="regionCode"/>'s people, matched by verified e-mail address when <paramref name="matchByEmail"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> SettingsFor(string name, string regionCode, bool matchByEmail, string secret = ClientSecret) =>
        new Dictionary<string, string>
        {
            [$"IdentityProviders:{name}:DisplayName"] = "Testorganisatie",
            [$"IdentityProviders:{name}:Authority"] = Issuer.ToString(),
            [$"IdentityProviders:{name}:ClientId"] = ClientId,
            [$"IdentityProviders:{name}:ClientSecret"] = secret,
            [$"IdentityProviders:{name}:RegionCode"] = regionCode,
            [$"IdentityProviders:{name}:MatchByEmail"] = matchByEmail ? "true" : "false",
            [$"IdentityProviders:{name}:EmailDomains"] = "rijnmond.example, haaglanden.example",
        };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
