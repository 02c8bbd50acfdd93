namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// Three real web nodes of one cluster on PostgreSQL and Redis (small demo market), for the tests that need a cluster
/// but not one of their own (none of them stops a node): started when the first of them asks for it, stopped after the
/// last. Failover, restart and start-up tests start their own nodes. Each node has a HOME folder of its own, as on
/// separate machines, and trusts 127.0.0.1 as its proxy.
/// </summary>
public sealed class SharedCluster : IAsyncLifetime
{
    private readonly Lazy<Task<(TestDatabase, WebNode, WebNode, WebNode)>> _cluster = new(async () =>
    {
        var database = await TestDatabase.CreateSeededAsync("postgres");
        var settings = TestRedis.ClusterSettings(TestRedis.NewClusterId());
        // The tests are the proxy: each sends its own client addresses (X-Forwarded-For), so the sign-in throttle's
        // counts of one test never reach another.
        settings["ForwardedHeaders__KnownProxies"] = "127.0.0.1";
        var nodes = new List<WebNode>();
        try
        {
            for (var i = 0; i < 3; i++) nodes.Add(await WebNode.StartAsync(database, settings));
            return (database, nodes[0], nodes[1], nodes[2]);
        }
        catch
        {
            foreach (var node in nodes) await node.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }
    });

    public Task<(TestDatabase Database, WebNode A, WebNode B, WebNode C)> StartAsync() => _cluster.Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (!_cluster.IsValueCreated || !_cluster.Value.IsCompletedSuccessfully) return;
        var (database, a, b, c) = _cluster.Value.Result;
        foreach (var node in new[] { a, b, c }) await node.DisposeAsync();
        await database.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<SharedCluster>
{
    public const string Name = "three-node cluster";
}
