using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Matchmaker.Silo.Access;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0: <c>POST /signin-oidc/{name}/backchannel-logout</c> with a form field
/// <c>logout_token</c>, sent server to server by the identity provider when a person signs out or is removed there.
/// Anonymous, but only a logout token signed by that provider's keys (its JWKS, from its metadata) counts: the issuer
/// is the provider's, the audience Matchmaker's client id, it was issued minutes ago at most, carries the back-channel
/// logout event and no nonce (so an ID token is no logout token), names the person (<c>sub</c>) and/or the session at
/// the provider (<c>sid</c>), and its <c>jti</c> was never accepted before. Then every Matchmaker session of that person
/// or provider session ends in the shared database (<see cref="OrganisationSessions.LogoutAsync"/>, audited), so every
/// node refuses its cookie at the next request. Anything else: 400 and nothing changed; an unknown provider: 404.
/// </summary>
public static class BackchannelLogout
{
    public const string BackchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";
    /// <summary>How old a logout token may be (its <c>iat</c>); its jti is remembered for longer than that.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);
    private const int LongestToken = 16 * 1024;
    private const int LongestBody = 20 * 1024;

    public static void MapBackchannelLogout(this WebApplication app) =>
        app.MapPost("/signin-oidc/{name}/backchannel-logout", LogoutAsync).AllowAnonymous().DisableAntiforgery();

    private static async Task<IResult> LogoutAsync(string name, HttpContext context, OrganisationSignIns signIns,
        OrganisationSessions sessions, IOptionsMonitor<OpenIdConnectOptions> oidc, TimeProvider clock, ILoggerFactory loggers)
    {
        // A logout answer is never cached (Back-Channel Logout 1.0, section 2.8).
        context.Response.Headers.CacheControl = "no-store";
        if (signIns.Named(name) is not { } provider) return Results.NotFound();
        var logger = loggers.CreateLogger(typeof(BackchannelLogout).FullName!);
        IResult Refused(string why)
        {
            logger.LogWarning("Back-channel logout for {Provider} refused: {Reason}", provider.Name, why);
            return Results.Json(new { error = "invalid_request", error_description = why }, statusCode: StatusCodes.Status400BadRequest);
        }

        if (await ReadTokenAsync(context) is not { } token) return Refused("send one logout_token as a urlencoded form field of at most 16 KB");

        var options = oidc.Get(provider.Scheme);
        var (logout, why) = await ValidateAsync(token, provider, options, clock.GetUtcNow(), context.RequestAborted);
        if (logout is null) return Refused(why!);
        var ended = await sessions.LogoutAsync(provider, logout.Jti, logout.Subject, logout.SessionId, context.RequestAborted);
        if (ended is null) return Refused("this logout token was used before");
        logger.LogInformation("Back-channel logout for {Provider}: {Ended} session(s) ended", provider.Name, ended);
        return Results.Ok();
    }

    /// <summary>
    /// The one field of a urlencoded form, read within small limits: the door is anonymous, so a multipart body, a large
    /// or endless body, or a form of many fields is refused (null) before it costs memory, never a 500.
    /// </summary>
    private static async Task<string?> ReadTokenAsync(HttpContext context)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return null;
        if (request.ContentLength > LongestBody) return null;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = LongestBody;
        context.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions
        {
            ValueCountLimit = 8, KeyLengthLimit = 64, ValueLengthLimit = LongestToken, BufferBodyLengthLimit = LongestBody,
        }));
        try
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            return form["logout_token"] is [{ Length: > 0 and <= LongestToken } token] ? token : null;
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }
    }

    /// <summary>What a valid logout token says: who, or which session at the provider, and its id.</summary>
    public sealed record Logout(string Jti, string? Subject, string? SessionId);

    public static async Task<(Logout? Logout, string? Why)> ValidateAsync(string token, IdentityProvider provider, OpenIdConnectOptions options,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var handler = new JsonWebTokenHandler { MapInboundClaims = false };
        if (!handler.CanReadToken(token)) return (null, "the logout_token is no JWT");
        var result = await ValidateSignatureAsync(handler, token, provider, options, refreshKeys: true, cancellationToken);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
            return (null, $"the logout_token does not hold ({result.Exception?.GetType().Name ?? "invalid"})");

        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        var claims = payload.RootElement;
        string? Text(string claim) => claims.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 and <= 255 } text ? text : null;

        if (!claims.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Object
            || !events.TryGetProperty(BackchannelLogoutEvent, out var logoutEvent) || logoutEvent.ValueKind != JsonValueKind.Object)
            return (null, "the logout_token carries no back-channel logout event");
        if (claims.TryGetProperty("nonce", out _)) return (null, "a logout_token carries no nonce");
        if (!claims.TryGetProperty("iat", out var iatValue) || !iatValue.TryGetInt64(out var iat))
            return (null, "the logout_token has no iat");
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(iat, 0, 253402300799));
        if (issuedAt > now + ClockSkew || now - issuedAt > FreshFor) return (null, "the logout_token is not fresh (iat)");
        if (Text("jti") is not { } jti) return (null, "the logout_token has no jti");
        var (subject, session) = (Text("sub"), Text("sid"));
        if (subject is null && session is null) return (null, "the logout_token names neither sub nor sid");
        return (new Logout(jti, subject, session), null);
    }

    /// <summary>Signature, issuer, audience and (when present) expiry; a key unknown yet sends for the provider's keys once more.</summary>
    private static async Task<TokenValidationResult> ValidateSignatureAsync(JsonWebTokenHandler handler, string token, IdentityProvider provider,
        OpenIdConnectOptions options, bool refreshKeys, CancellationToken cancellationToken)
    {
        Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException)
        {
            return new TokenValidationResult { IsValid = false, Exception = e };
        }
        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            // Explicitly typed logout tokens (logout+jwt), or untyped and plain JWTs of older providers; never another kind
            // of token (an access token, at+jwt), and only the asymmetric algorithms the provider signs ID tokens with.
            TypeValidator = (type, _, _) => type is null or "" or "JWT" or "logout+jwt"
                ? type ?? ""
                : throw new SecurityTokenInvalidTypeException($"A logout token is not typed '{type}'."),
            ValidAlgorithms = configuration.IdTokenSigningAlgValuesSupported.Where(alg => alg is not ("none" or "HS256" or "HS384" or "HS512")).DefaultIfEmpty("RS256").ToList(),
            ValidIssuer = configuration.Issuer,
            ValidAudience = provider.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidateLifetime = true,
            // Back-Channel Logout 1.0 made exp required late; older providers leave it out: iat decides freshness then.
            RequireExpirationTime = false,
            ClockSkew = ClockSkew,
        });
        if (!result.IsValid && refreshKeys && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The provider may have rolled its keys: ask for them again (the manager allows that once per few minutes).
            options.ConfigurationManager!.RequestRefresh();
            return await ValidateSignatureAsync(handler, token, provider, options, refreshKeys: false, cancellationToken);
        }
        return result;
    }
}
