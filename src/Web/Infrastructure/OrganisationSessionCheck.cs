using System.Security.Cryptography;
using System.Text.Json;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Market;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// Whether a session opened through an organisation's identity provider still stands (issue 20): its row in
/// <see cref="OrganisationSessions"/> is read on every request (ended there by a back-channel logout or by another node:
/// refused), and at most every <see cref="IdentityProvider.RevalidateInterval"/> for the whole cluster the provider is
/// asked again by redeeming the session's refresh token. The provider refusing it (a 4xx answer such as
/// <c>invalid_grant</c>: the person was removed, disabled or signed out there) ends the session now. A provider that
/// cannot be reached (no answer within <see cref="ProviderTimeout"/>, a 5xx) is asked again at the next interval, and
/// after <see cref="UnreachableGrace"/> without a yes the session ends: fail closed. A provider that gave no refresh
/// token cannot be asked: its session ends at the first check and the next page goes through the provider again.
/// </summary>
public sealed class OrganisationSessionCheck(
    OrganisationSessions sessions, OrganisationSignIns signIns, IOptionsMonitor<OpenIdConnectOptions> oidc,
    IDataProtectionProvider protection, TimeProvider clock, ILogger<OrganisationSessionCheck> logger)
{
    public const string Purpose = "Matchmaker.OrganisationSession.RefreshToken.v1";
    public static readonly TimeSpan ProviderTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan UnreachableGrace = TimeSpan.FromMinutes(5);
    /// <summary>How long one request's check holds the session's turn: another request may try after it.</summary>
    private static readonly TimeSpan CheckTurn = TimeSpan.FromSeconds(30);

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public string? Protect(string? refreshToken) => refreshToken is { Length: > 0 } ? _protector.Protect(refreshToken) : null;

    private string? Unprotect(string? stored)
    {
        if (stored is null) return null;
        try
        {
            return _protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private enum Answer { Yes, No, Unreachable }

    /// <summary>Whether session <paramref name="id"/> of <paramref name="caller"/> still stands; ends it when not.</summary>
    public async Task<bool> StillStandsAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        var state = await sessions.StateAsync(id, cancellationToken);
        if (state is null || state.Ended || state.UserId != caller.Id) return false;
        var person = new Actor(caller.Id, "user", caller.Role, caller.RegionCode, caller.OrganisationId);
        if (signIns.Named(state.Provider) is not { } provider)
        {
            await sessions.EndAsync(id, person, $"{state.Provider}: the identity provider is no longer configured", cancellationToken);
            return false;
        }
        var now = clock.GetUtcNow();
        if (now < state.NextCheckAt) return true;
        // Another request (on any node) is asking the provider right now: its answer lands in the row for the next request.
        if (!await sessions.ClaimCheckAsync(id, state.NextCheckAt, now + CheckTurn, cancellationToken)) return true;

        // From the claim on, the check is finished even if the request goes away: a provider that rotates refresh tokens
        // has spent the old one once it answered, and the new one must reach the row. The ask has its own timeout.
        var refreshToken = Unprotect(state.ProtectedRefreshToken);
        var (answer, newRefreshToken, reason) = refreshToken is null
            ? (Answer.No, null, "no refresh token to ask the identity provider with")
            : await AskAsync(provider, refreshToken, CancellationToken.None);
        switch (answer)
        {
            case Answer.Yes:
                await sessions.ConfirmedAsync(id, Protect(newRefreshToken ?? refreshToken), now + provider.RevalidateInterval, CancellationToken.None);
                return true;
            case Answer.Unreachable when now - state.CheckedAt < UnreachableGrace:
                logger.LogWarning("Identity provider {Provider} could not re-check session {Session}: {Reason}; kept until {Until}",
                    provider.Name, id, reason, state.CheckedAt + UnreachableGrace);
                await sessions.RetryAtAsync(id, now + provider.RevalidateInterval, CancellationToken.None);
                return true;
            default:
                logger.LogInformation("Organisation session {Session} of user {User} ended: {Reason}", id, caller.Id, reason);
                await sessions.EndAsync(id, person, $"{provider.Name}: {reason}", CancellationToken.None);
                return false;
        }
    }

    /// <summary>Redeems the refresh token at the provider's token endpoint (client_secret_post, as the sign-in does).</summary>
    private async Task<(Answer Answer, string? RefreshToken, string Reason)> AskAsync(IdentityProvider provider, string refreshToken, CancellationToken cancellationToken)
    {
        var options = oidc.Get(provider.Scheme);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProviderTimeout);
        try
        {
            var configuration = await options.ConfigurationManager!.GetConfigurationAsync(timeout.Token);
            using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken,
                    ["client_id"] = provider.ClientId, ["client_secret"] = provider.ClientSecret,
                }),
            };
            using var response = await options.Backchannel.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.IsSuccessStatusCode)
                return (Answer.Yes, RefreshTokenOf(body), "the identity provider renewed the session");
            var code = (int)response.StatusCode;
            return code is >= 400 and < 500
                ? (Answer.No, null, $"the identity provider refused the session ({code} {ErrorOf(body) ?? response.StatusCode.ToString()})")
                : (Answer.Unreachable, null, $"the identity provider answered {code}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException or IOException
            && !cancellationToken.IsCancellationRequested)
        {
            return (Answer.Unreachable, null, $"the identity provider could not be reached ({e.GetType().Name})");
        }
    }

    private static string? RefreshTokenOf(string body) => Field(body, "refresh_token");

    // The provider's own words go into the audit log: a short, plain code only.
    private static string? ErrorOf(string body) =>
        Field(body, "error") is { } error ? new string(error.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-').Take(64).ToArray()) : null;

    private static string? Field(string body, string name)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
