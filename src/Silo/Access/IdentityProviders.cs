using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Silo.Access;

public sealed class IdentityProviderConfigurationException(string message) : Exception(message);

/// <summary>
/// An organisation's own identity provider (OpenID Connect), from <c>IdentityProviders:{Name}</c>. Its people sign in
/// there; who they are in Matchmaker (role, region, organisation) stays on Matchmaker's user row. A provider serves
/// the users of one region (<see cref="RegionCode"/>) or one organisation (<see cref="OrganisationId"/>), never others.
/// </summary>
/// <param name="Name">Lower-case letters, digits and dashes: the scheme name and the callback path <c>/signin-oidc/{Name}</c>.</param>
/// <param name="DisplayName">What the sign-in page shows on the button ("Inloggen via uw organisatie: …").</param>
/// <param name="ClientSecret">From configuration only (an environment variable or a secret store), never the database.</param>
/// <param name="MatchByEmail">(Default false.) A person without a link yet is matched once by the token's e-mail address, only when the token says it is verified.</param>
/// <param name="EmailDomains">With <see cref="MatchByEmail"/>, the only address domains it may vouch for (the organisation's own):
/// a provider's administrator cannot claim the address of someone at another employer.</param>
/// <param name="SecondFactorMethods">The <c>amr</c> values (RFC 8176) that count as a second factor done at the provider.</param>
public sealed record IdentityProvider(
    string Name, string DisplayName, Uri Authority, string ClientId, string ClientSecret,
    string? RegionCode, Guid? OrganisationId, bool MatchByEmail, IReadOnlySet<string> SecondFactorMethods, IReadOnlySet<string> EmailDomains)
{
    /// <summary>Whether this provider may vouch for <paramref name="email"/>: matching by address is on and the domain is one of its own.</summary>
    public bool MayVouchFor(string email) =>
        MatchByEmail && email.LastIndexOf('@') is var at and > 0 && EmailDomains.Contains(email[(at + 1)..].Trim().ToLowerInvariant());

    /// <summary>The authentication scheme of this provider in the web host.</summary>
    public string Scheme => $"oidc-{Name}";

    public string CallbackPath => $"/signin-oidc/{Name}";

    /// <summary>
    /// How long a Matchmaker session opened through this provider lasts at most (<c>SessionMinutes</c>, default
    /// <see cref="IdentityProviders.DefaultSessionMinutes"/>), however active the person is: then they go through the provider
    /// again (silently while their session there lasts), so someone removed at their organisation loses access within it.
    /// </summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromMinutes(IdentityProviders.DefaultSessionMinutes);

    /// <summary>
    /// How often an open session is checked again at this provider (<c>RevalidateSeconds</c>, default
    /// <see cref="IdentityProviders.DefaultRevalidateSeconds"/>; zero: on every request): its refresh token is redeemed, and
    /// a refusal ends the session at once. The check is shared by every node through the database.
    /// </summary>
    public TimeSpan RevalidateInterval { get; init; } = TimeSpan.FromSeconds(IdentityProviders.DefaultRevalidateSeconds);

    /// <summary>The path where this provider posts its back-channel logout tokens (OpenID Connect Back-Channel Logout 1.0).</summary>
    public string BackchannelLogoutPath => $"{CallbackPath}/backchannel-logout";

    /// <summary>Whether the provider's <c>amr</c> values report a second factor (multi-factor, one-time code, hardware key ...).</summary>
    public bool ReportsSecondFactor(IEnumerable<string> amr) => amr.Any(SecondFactorMethods.Contains);
}

/// <summary>
/// The configured identity providers, read and checked at start-up: a provider without authority, client id or secret,
/// or that belongs to no region and no organisation, stops the start (<see cref="IdentityProviderConfigurationException"/>).
/// </summary>
public static partial class IdentityProviders
{
    public const string Section = "IdentityProviders";
    public const string DefaultSecondFactorMethods = "mfa,otp,hwk,sc";
    public const int DefaultSessionMinutes = 60, LongestSessionMinutes = 8 * 60;
    public const int DefaultRevalidateSeconds = 60, LongestRevalidateSeconds = 60 * 60;

    public static IReadOnlyList<IdentityProvider> Of(IConfiguration configuration, bool allowHttp) =>
        configuration.GetSection(Section).GetChildren().Select(section => Read(section, allowHttp)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

    private static IdentityProvider Read(IConfigurationSection section, bool allowHttp)
    {
        var name = section.Key;
        IdentityProviderConfigurationException Invalid(string what) => new($"{Section}:{name}: {what}");
        if (!NamePattern().IsMatch(name))
            throw Invalid("the name must be lower-case letters, digits and dashes (it becomes the callback path /signin-oidc/NAME)");
        string Required(string key) => section[key] is { Length: > 0 } value ? value.Trim() : throw Invalid($"{key} is missing");

        var authorityText = Required("Authority");
        if (!Uri.TryCreate(authorityText, UriKind.Absolute, out var authority) || !(authority.Scheme == Uri.UriSchemeHttps || (allowHttp && authority.Scheme == Uri.UriSchemeHttp)))
            throw Invalid($"Authority '{authorityText}' must be an absolute https:// address (the issuer of the identity provider)");
        var clientId = Required("ClientId");
        var clientSecret = Required("ClientSecret");
        var region = section["RegionCode"] is { Length: > 0 } r ? r.Trim() : null;
        Guid? organisation = null;
        if (section["OrganisationId"] is { Length: > 0 } o)
            organisation = Guid.TryParse(o, out var id) ? id : throw Invalid($"OrganisationId '{o}' is no id (a GUID from 'organisations')");
        if (region is null && organisation is null)
            throw Invalid("name the RegionCode or the OrganisationId whose people sign in through it");
        var matchByEmail = section["MatchByEmail"] is { Length: > 0 } m
            && (bool.TryParse(m, out var parsed) ? parsed : throw Invalid($"MatchByEmail '{m}' is neither true nor false"));
        var methods = (section["SecondFactorMethods"] ?? DefaultSecondFactorMethods)
            .Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var domains = (section["EmailDomains"] ?? "")
            .Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => d.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        if (matchByEmail && domains.Count == 0)
            throw Invalid("MatchByEmail needs EmailDomains: the organisation's own address domains, the only ones the provider may vouch for");
        var minutes = DefaultSessionMinutes;
        if (section["SessionMinutes"] is { Length: > 0 } text
            && !(int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out minutes) && minutes is >= 1 and <= LongestSessionMinutes))
            throw Invalid($"SessionMinutes '{text}' must be a whole number of minutes from 1 to {LongestSessionMinutes} (default {DefaultSessionMinutes})");
        var seconds = DefaultRevalidateSeconds;
        if (section["RevalidateSeconds"] is { Length: > 0 } every
            && !(int.TryParse(every, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out seconds) && seconds is >= 0 and <= LongestRevalidateSeconds))
            throw Invalid($"RevalidateSeconds '{every}' must be a whole number of seconds from 0 (every request) to {LongestRevalidateSeconds} (default {DefaultRevalidateSeconds})");
        return new IdentityProvider(name, section["DisplayName"] is { Length: > 0 } d ? d.Trim() : name, authority!, clientId, clientSecret,
            region, organisation, matchByEmail, methods, domains)
            { SessionLifetime = TimeSpan.FromMinutes(minutes), RevalidateInterval = TimeSpan.FromSeconds(seconds) };
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,39}\z")]
    private static partial Regex NamePattern();
}
