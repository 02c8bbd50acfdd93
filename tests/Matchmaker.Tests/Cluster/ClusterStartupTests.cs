using System.Diagnostics;
using Matchmaker.Silo.Hosting;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Tests.Cluster;

public sealed class ClusterStartupTests
{
    [Fact, Trait(Lane.Name, Lane.Cluster)]
    public async Task ANodeWhoseRedisIsNotUpYet_WaitsAndSaysSo_AndStartsOnceRedisAnswers()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        var port = WebNode.FreePort();
        var settings = TestRedis.ClusterSettings(TestRedis.NewClusterId());
        settings["ConnectionStrings__Redis"] = $"127.0.0.1:{port}";
        await using var node = WebNode.Launch(database, settings);

        // A cold process on a busy machine may take a while to print its first line; it must then go on waiting.
        var saidSo = await node.PrintedAsync($"Waiting for Redis at 127.0.0.1:{port}", TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(4));
        var whileWaiting = node.Output;
        var stillRunning = !node.HasExited;
        using var redis = StartRedis(port);
        await node.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        Assert.True(saidSo, $"the node did not say it waits for Redis:\n{whileWaiting}");
        Assert.True(stillRunning, $"the node gave up instead of waiting:\n{whileWaiting}");
        redis.Kill(entireProcessTree: true);
    }

    [Theory, Trait(Lane.Name, Lane.Fast)]
    [InlineData("Orleans:Clustering", "zookeeper", "Orleans:Clustering")]
    [InlineData("Orleans:SiloPort", "70000", "Orleans:SiloPort")]
    [InlineData("Orleans:AdvertisedIPAddress", "here", "Orleans:AdvertisedIPAddress")]
    [InlineData("Orleans:ClusterId", "a cluster", "Orleans:ClusterId")]
    [InlineData("Orleans:GrainsFollowCallers", "yes", "Orleans:GrainsFollowCallers")]
    public void ClusterSettingsThatCannotWork_AreRefusedNamingTheSetting(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var failure = Assert.Throws<ClusterConfigurationException>(() => ClusterSettings.FromConfiguration(configuration));

        Assert.Contains(named, failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void RedisClustering_WithoutARedisConnectionString_IsRefused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Orleans:Clustering"] = "redis" }).Build();

        var failure = Assert.Throws<ClusterConfigurationException>(() => ClusterSettings.FromConfiguration(configuration));

        Assert.Contains("ConnectionStrings:Redis", failure.Message);
    }

    private static Process StartRedis(int port)
    {
        var directory = Directory.CreateTempSubdirectory("matchmaker-test-redis").FullName;
        var start = new ProcessStartInfo("/usr/bin/redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", directory,
                     "--maxmemory-policy", "noeviction" })
            start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (./test.sh installs it)");
    }
}
