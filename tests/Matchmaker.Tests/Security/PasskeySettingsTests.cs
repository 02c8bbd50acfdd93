using Matchmaker.Silo.Access;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Tests.Security;

/// <summary>The relying party of passkeys is configuration, checked at start-up: settings that cannot work stop the start.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class PasskeySettingsTests
{
    private static RelyingParty? Read(params (string Key, string Value)[] settings) =>
        Passkeys.Configured(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"Passkeys:{s.Key}", (string?)s.Value))).Build());

    [Fact]
    public void NoRelyingParty_MeansNoneConfigured() => Assert.Null(Read());

    [Fact]
    public void ARelyingPartyId_ServesItsHttpsOrigin_ByDefault()
    {
        var party = Read(("RelyingPartyId", "Matchmaker.Example.nl"))!;

        Assert.Equal(("matchmaker.example.nl", "Matchmaker"), (party.Id, party.Name));
        Assert.Equal(["https://matchmaker.example.nl"], party.Origins);
    }

    [Fact]
    public void Origins_OnTheDomainOrASubdomain_AreRead()
    {
        var party = Read(("RelyingPartyId", "example.nl"), ("Origins", "https://matchmaker.example.nl, https://example.nl:8443/"))!;

        Assert.Equal(["https://example.nl:8443", "https://matchmaker.example.nl"], party.Origins.Order());
    }

    [Theory]
    [InlineData("https://matchmaker.example.nl", null, "must be a domain name only")]
    [InlineData("matchmaker.example.nl", "https://evil.example.com", "on matchmaker.example.nl or a subdomain")]
    [InlineData("matchmaker.example.nl", "https://matchmaker.example.nl/pad", "scheme, host and port only")]
    [InlineData("matchmaker.example.nl", "matchmaker.example.nl", "must be an address like")]
    [InlineData(null, "https://matchmaker.example.nl", "RelyingPartyId is not")]
    public void SettingsThatCannotWork_StopTheStart(string? id, string? origins, string saying)
    {
        var settings = new List<(string, string)>();
        if (id is not null) settings.Add(("RelyingPartyId", id));
        if (origins is not null) settings.Add(("Origins", origins));

        var refused = Assert.Throws<PasskeyConfigurationException>(() => Read([.. settings]));

        Assert.Contains(saying, refused.Message);
    }
}
