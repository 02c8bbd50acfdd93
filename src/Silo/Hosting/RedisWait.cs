using StackExchange.Redis;

namespace Matchmaker.Silo.Hosting;

/// <summary>
/// Before a cluster node starts its silo it waits until Redis answers, saying so every few seconds, instead of
/// failing and being restarted in a loop. It also warns when Redis could lose what membership relies on.
/// </summary>
public static class RedisWait
{
    public static async Task UntilReachableAsync(ClusterSettings cluster, Action<string> say, CancellationToken cancellationToken = default)
    {
        if (!cluster.UsesRedis) return;
        var options = ConfigurationOptions.Parse(cluster.RedisConnectionString!);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 2000;
        options.AllowAdmin = true;
        var endpoints = string.Join(", ", options.EndPoints);
        var waitingSince = DateTime.UtcNow;
        while (true)
        {
            try
            {
                await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
                await redis.GetDatabase().PingAsync();
                await WarnAboutDurabilityAsync(redis, endpoints, say);
                return;
            }
            catch (RedisException e)
            {
                say($"Waiting for Redis at {endpoints} ({(DateTime.UtcNow - waitingSince).TotalSeconds:0} s): {e.Message.Split('\n')[0]}");
                await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            }
        }
    }

    private static async Task WarnAboutDurabilityAsync(ConnectionMultiplexer redis, string endpoints, Action<string> say)
    {
        try
        {
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            var settings = (await server.ConfigGetAsync("appendonly")).Concat(await server.ConfigGetAsync("maxmemory-policy"))
                .ToDictionary(p => p.Key, p => p.Value);
            if (settings.GetValueOrDefault("appendonly") != "yes")
                say($"Warning: Redis at {endpoints} runs without appendonly; after a Redis restart two nodes could both own one grain. Set appendonly yes.");
            if (settings.GetValueOrDefault("maxmemory-policy") is { } policy && policy != "noeviction")
                say($"Warning: Redis at {endpoints} evicts keys ({policy}); membership rows could vanish. Set maxmemory-policy noeviction.");
        }
        catch (RedisException)
        {
            // CONFIG may be disabled on a managed Redis; then there is nothing to check here.
        }
    }
}
