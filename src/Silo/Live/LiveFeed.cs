using Matchmaker.Silo.Market;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Utilities;

namespace Matchmaker.Silo.Live;

/// <summary>A node that has live clients (a web node): it receives every committed change and hands it to its own clients.</summary>
public interface IMarketFeedObserver : IGrainObserver
{
    [OneWay]
    Task OnChanges(MarketChange[] changes);
}

/// <summary>Which nodes want the live changes. Nodes subscribe again and again; one that stops doing so (it died) expires.</summary>
public interface ILiveFeedRegistryGrain : IGrainWithIntegerKey
{
    Task Subscribe(IMarketFeedObserver node);
    Task Unsubscribe(IMarketFeedObserver node);
    Task<IMarketFeedObserver[]> Nodes();
}

public sealed class LiveFeedRegistryGrain(ILogger<LiveFeedRegistryGrain> logger) : Grain, ILiveFeedRegistryGrain
{
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(45);
    private readonly ObserverManager<IMarketFeedObserver> _nodes = new(Expiry, logger);

    public Task Subscribe(IMarketFeedObserver node)
    {
        _nodes.Subscribe(node, node);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IMarketFeedObserver node)
    {
        _nodes.Unsubscribe(node);
        return Task.CompletedTask;
    }

    public Task<IMarketFeedObserver[]> Nodes()
    {
        _nodes.ClearExpired();
        return Task.FromResult(_nodes.Select(entry => entry).ToArray());
    }
}

/// <summary>
/// Pushes committed changes to every node's observer, straight from the node where the change committed (no hop
/// through a central grain). The list of nodes is refreshed from the registry every second or two; a node that
/// joined meanwhile, or a push that got lost, is caught up from the change log by that node's forwarder.
/// </summary>
public sealed class LiveFeed(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<LiveFeed> logger) : BackgroundService
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);
    private volatile IMarketFeedObserver[] _nodes = [];

    public void Publish(IReadOnlyList<MarketChange> changes)
    {
        if (changes.Count == 0) return;
        var batch = changes.ToArray();
        foreach (var node in _nodes)
        {
            try
            {
                // One-way: the writer does not wait for slow or dead nodes.
                _ = node.OnChanges(batch);
            }
            catch (Exception e) when (e is OrleansException or InvalidOperationException)
            {
                logger.LogDebug(e, "A live push could not be sent; that node catches up from the change log");
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The silo is a hosted service too: grains answer once the host has started.
        await HostStarted.WaitAsync(lifetime, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _nodes = await grains.GetGrain<ILiveFeedRegistryGrain>(0).Nodes().WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
            {
                logger.LogDebug(e, "Could not refresh the list of live nodes; keeping the last one");
            }
            try
            {
                await Task.Delay(Refresh, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}

public static class HostStarted
{
    /// <summary>Completes when every hosted service (the silo among them) has started, or when stopping begins.</summary>
    public static Task WaitAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        stoppingToken.Register(() => started.TrySetResult());
        return started.Task;
    }
}
