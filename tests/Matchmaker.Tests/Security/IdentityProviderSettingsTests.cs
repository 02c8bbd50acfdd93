using Matchmaker.Silo.Access;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Tests.Security;

/// <summary>An identity provider's settings are checked at start-up: one that cannot work stops the start, saying why.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class IdentityProviderSettingsTests
{
    private static readonly Dictionary<string, string?> Complete = new()
    {
        ["IdentityProviders:jb-west:DisplayName"] = "Jeugdbescherming west",
        ["IdentityProviders:jb-west:Authority"] = "https://login.jbwest.example/",
        ["IdentityProviders:jb-west:ClientId"] = "matchmaker",
        ["IdentityProviders:jb-west:ClientSecret"] = "from the secret store",
        ["IdentityProviders:jb-west:RegionCode"] = "rijnmond",
    };

    private static IReadOnlyList<IdentityProvider> Read(Dictionary<string, string?> settings, bool allowHttp = false) =>
        IdentityProviders.Of(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), allowHttp);

    private static Dictionary<string, string?> With(string key, string? value) =>
        new(Complete) { [$"IdentityProviders:jb-west:{key}"] = value };

    [Fact]
    public void ACompleteProvider_IsRead_MatchingBySubjectOnly_AndCountingMfaOtpAndHardwareKeys()
    {
        var provider = Assert.Single(Read(Complete));

        Assert.Equal(("jb-west", "oidc-jb-west", "/signin-oidc/jb-west", "rijnmond"), (provider.Name, provider.Scheme, provider.CallbackPath, provider.RegionCode));
        Assert.False(provider.MatchByEmail);
        Assert.True(provider.ReportsSecondFactor(["pwd", "mfa"]));
        Assert.True(provider.ReportsSecondFactor(["hwk"]));
        Assert.True(provider.ReportsSecondFactor(["otp"]));
        Assert.False(provider.ReportsSecondFactor(["pwd"]));
        Assert.False(provider.ReportsSecondFactor([]));
    }

    [Fact]
    public void ASessionThroughAProvider_LastsAnHour_UnlessSessionMinutesSaysOtherwise()
    {
        Assert.Equal(TimeSpan.FromHours(1), Assert.Single(Read(Complete)).SessionLifetime);
        Assert.Equal(TimeSpan.FromMinutes(15), Assert.Single(Read(With("SessionMinutes", "15"))).SessionLifetime);
    }

    [Fact]
    public void ASessionThroughAProvider_IsCheckedThereEveryMinute_UnlessRevalidateSecondsSaysOtherwise()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), Assert.Single(Read(Complete)).RevalidateInterval);
        Assert.Equal(TimeSpan.Zero, Assert.Single(Read(With("RevalidateSeconds", "0"))).RevalidateInterval);
        Assert.Equal(TimeSpan.FromSeconds(300), Assert.Single(Read(With("RevalidateSeconds", "300"))).RevalidateInterval);
        Assert.Equal("/signin-oidc/jb-west/backchannel-logout", Assert.Single(Read(Complete)).BackchannelLogoutPath);
    }

    [Fact]
    public void NoProvidersConfigured_MeansNone() => Assert.Empty(Read([]));

    [Theory]
    [InlineData("ClientSecret", null, "ClientSecret is missing")]
    [InlineData("ClientId", "", "ClientId is missing")]
    [InlineData("Authority", "http://login.jbwest.example/", "must be an absolute https:// address")]
    [InlineData("Authority", "login.jbwest.example", "must be an absolute https:// address")]
    [InlineData("OrganisationId", "not-a-guid", "is no id")]
    [InlineData("MatchByEmail", "yes", "neither true nor false")]
    [InlineData("MatchByEmail", "true", "MatchByEmail needs EmailDomains")]
    [InlineData("SessionMinutes", "0", "SessionMinutes '0' must be a whole number of minutes from 1 to 480")]
    [InlineData("SessionMinutes", "481", "SessionMinutes")]
    [InlineData("SessionMinutes", "an hour", "SessionMinutes")]
    [InlineData("SessionMinutes", "-5", "SessionMinutes")]
    [InlineData("RevalidateSeconds", "-1", "RevalidateSeconds '-1' must be a whole number of seconds from 0 (every request) to 3600")]
    [InlineData("RevalidateSeconds", "3601", "RevalidateSeconds")]
    [InlineData("RevalidateSeconds", "a minute", "RevalidateSeconds")]
    public void AProviderThatCannotWork_StopsTheStart(string key, string? value, string saying)
    {
        var refused = Assert.Throws<IdentityProviderConfigurationException>(() => Read(With(key, value)));

        Assert.Contains("IdentityProviders:jb-west", refused.Message);
        Assert.Contains(saying, refused.Message);
    }

    [Fact]
    public void AProviderForNoRegionAndNoOrganisation_StopsTheStart()
    {
        var refused = Assert.Throws<IdentityProviderConfigurationException>(() => Read(With("RegionCode", null)));

        Assert.Contains("name the RegionCode or the OrganisationId", refused.Message);
    }

    [Fact]
    public void AnUnusableName_StopsTheStart()
    {
        var settings = Complete.ToDictionary(pair => pair.Key.Replace("jb-west", "JB West"), pair => pair.Value);

        Assert.Throws<IdentityProviderConfigurationException>(() => Read(settings));
    }

    [Fact]
    public void PlainHttp_IsAllowedOnlyWhereTheHostSaysSo()
    {
        var settings = With("Authority", "http://127.0.0.1:5999/");

        Assert.Throws<IdentityProviderConfigurationException>(() => Read(settings));
        Assert.Equal("http", Assert.Single(Read(settings, allowHttp: true)).Authority.Scheme);
    }
}
