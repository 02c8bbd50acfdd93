namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// The throwaway Redis that ./test.sh starts for the cluster tests (<c>MATCHMAKER_TEST_REDIS</c>, host:port). Each
/// test's cluster gets its own cluster id, so clusters of parallel tests never meet. A missing Redis fails the test.
/// </summary>
public static class TestRedis
{
    public const string Variable = "MATCHMAKER_TEST_REDIS";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set. Run the tests with ./test.sh, which starts a throwaway Redis, or point it at one, e.g. 127.0.0.1:6379.");

    /// <summary>Settings for a node of a new cluster on Redis (engine clock sped up for tests).</summary>
    public static Dictionary<string, string> ClusterSettings(string clusterId) => new()
    {
        ["Orleans__Clustering"] = "redis",
        ["ConnectionStrings__Redis"] = ConnectionString,
        ["Orleans__ServiceId"] = clusterId,
        ["Orleans__ClusterId"] = clusterId,
        ["Orleans__AdvertisedIPAddress"] = "127.0.0.1",
        ["Engine__TimerSeconds"] = "1",
        ["Engine__RegionWakeSeconds"] = "5",
    };

    public static string NewClusterId() => $"test-{Guid.NewGuid():N}"[..20];
}
