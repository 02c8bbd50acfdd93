using Matchmaker.Silo.Hosting;
using Matchmaker.Silo.Retention;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Tests.Retention;

[Trait(Lane.Name, Lane.Fast)]
public sealed class RetentionOptionsTests
{
    [Fact]
    public void WithoutSettings_ClosedRequestsAreKept24Months_TheAuditLog60_AndTheRunIsDaily()
    {
        var options = RetentionOptions.FromConfiguration(Settings());

        Assert.Equal(new RetentionOptions(true, 24, 60, TimeSpan.FromHours(24)), options);
    }

    [Fact]
    public void Settings_AreRead()
    {
        var options = RetentionOptions.FromConfiguration(Settings(("Enabled", "false"), ("ClosedRequestMonths", "36"),
            ("AuditLogMonths", "84"), ("IntervalHours", "6")));

        Assert.Equal(new RetentionOptions(false, 36, 84, TimeSpan.FromHours(6)), options);
    }

    [Theory]
    [InlineData("ClosedRequestMonths", "12")]
    [InlineData("ClosedRequestMonths", "twee jaar")]
    [InlineData("ClosedRequestMonths", "-24")]
    [InlineData("AuditLogMonths", "59")]
    [InlineData("AuditLogMonths", "60.5")]
    [InlineData("IntervalHours", "0")]
    [InlineData("IntervalHours", "721")]
    [InlineData("Enabled", "ja")]
    public void ABadValue_StopsTheStart_WithOneLineNamingIt(string key, string value)
    {
        var e = Assert.Throws<ClusterConfigurationException>(() => RetentionOptions.FromConfiguration(Settings((key, value))));

        Assert.StartsWith($"Retention:{key} is '{value}'; it must be ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TheEngine_WithABadRetentionSetting_DoesNotStart()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("Retention:AuditLogMonths", "36")]);

        var e = Assert.Throws<ClusterConfigurationException>(() => builder.AddMatchmakerEngine());

        Assert.StartsWith("Retention:AuditLogMonths is '36'", e.Message);
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"Retention:{v.Key}", v.Value))).Build();
}
