using System.Collections.Concurrent;

namespace Matchmaker.Tests.Market;

/// <summary>
/// The market of a test class (<c>IClassFixture</c>) or collection (<see cref="MarketFlowsCollection"/> and its
/// neighbours), one per database provider: the app in process on a seeded database, started when the first test on
/// that provider asks for it and shared by the tests after it (xunit runs them one after another), disposed after the
/// last. Every test gets it reset (<see cref="MarketScenario.BeginTestAsync"/>) and uses children and offerings of its
/// own; a test that needs a pristine or specially configured host starts its own.
/// </summary>
public class SharedMarket : IAsyncLifetime
{
    private readonly bool _loopbackHooks;

    public SharedMarket() : this(loopbackHooks: true)
    {
    }

    protected SharedMarket(bool loopbackHooks) => _loopbackHooks = loopbackHooks;

    private readonly ConcurrentDictionary<string, Lazy<Task<MarketScenario>>> _markets = new();

    /// <summary>The market on <paramref name="provider"/>, reset for the calling test. A failed start fails every test on it.</summary>
    public async Task<MarketScenario> ForAsync(string provider)
    {
        var market = await _markets.GetOrAdd(provider, p => new Lazy<Task<MarketScenario>>(() => MarketScenario.StartAsync(p, _loopbackHooks))).Value;
        await market.BeginTestAsync();
        return market;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var started in _markets.Values.Where(m => m.IsValueCreated && m.Value.IsCompletedSuccessfully))
            await started.Value.Result.DisposeAsync();
    }
}

/// <summary>Markets whose webhooks may not post to loopback, as in production: for the tests that try to make them.</summary>
public sealed class MarketsWithoutLoopbackHooks() : SharedMarket(loopbackHooks: false);
