using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Matchmaker.LoadTests;

/// <summary>
/// Desks holding a place for a child and the provider declining it at once, again and again, each client on its own
/// share of the pairs. Counts cycles and their latency only while measuring, and errors meanwhile.
/// </summary>
public sealed class HoldCycles
{
    private readonly List<double>[] _latencies;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers;
    private readonly Stopwatch _measured = new();
    private int _errors;
    private int _errorsBefore;
    private bool _measuring;
    private string? _firstError;

    public sealed record Summary(double CyclesPerSecond, double P50, double P99, double Max, int Cycles, int Errors, string? FirstError = null);

    /// <summary>
    /// Opens up the offerings (<paramref name="clients"/> + 2 free units each) and registers a child for each of them
    /// (at least one per client): spread over many offerings, or all on one when <paramref name="offeringCount"/> is 1.
    /// </summary>
    public static async Task<List<LoadMarket.Pair>> PrepareAsync(LoadMarket market, int clients, int offeringCount)
    {
        var offerings = await market.OfferingsAsync(offeringCount);
        for (var i = 0; i < offerings.Count; i++) await market.OpenUpAsync(offerings[i], free: clients + 2, node: i);
        var run = LoadMarket.RunId();
        using var registrar = market.Desk();
        var pairs = new List<LoadMarket.Pair>();
        for (var i = 0; i < Math.Max(clients, offerings.Count); i++)
        {
            var offering = offerings[i % offerings.Count];
            pairs.Add(new LoadMarket.Pair(offering, await market.ChildForAsync(registrar, offering, $"LOAD-{run}-{i:0000}")));
        }
        return pairs;
    }

    private HoldCycles(LoadMarket market, IReadOnlyList<LoadMarket.Pair> pairs, int clients)
    {
        _latencies = new List<double>[clients];
        _workers = Enumerable.Range(0, clients).Select(c => Task.Run(() => CycleAsync(market, pairs.Where((_, i) => i % clients == c).ToList(), c))).ToList();
    }

    public static HoldCycles Start(LoadMarket market, IReadOnlyList<LoadMarket.Pair> pairs, int clients) => new(market, pairs, clients);

    /// <summary>Cycles for <paramref name="warm"/> uncounted, then <paramref name="measured"/> counted, then stops.</summary>
    public static async Task<Summary> MeasureAsync(LoadMarket market, IReadOnlyList<LoadMarket.Pair> pairs, int clients, TimeSpan warm, TimeSpan measured)
    {
        var cycles = Start(market, pairs, clients);
        await Task.Delay(warm);
        cycles.BeginMeasuring();
        await Task.Delay(measured);
        return await cycles.StopAsync();
    }

    public void BeginMeasuring()
    {
        _errorsBefore = Volatile.Read(ref _errors);
        _measured.Start();
        Volatile.Write(ref _measuring, true);
    }

    public async Task<Summary> StopAsync()
    {
        Volatile.Write(ref _measuring, false);
        _measured.Stop();
        var errors = Volatile.Read(ref _errors) - _errorsBefore;
        _stop.Cancel();
        await Task.WhenAll(_workers);
        var all = _latencies.SelectMany(l => l).Order().ToList();
        return new Summary(all.Count / _measured.Elapsed.TotalSeconds, LoadMarket.Percentile(all, 0.5), LoadMarket.Percentile(all, 0.99),
            all.Count > 0 ? all[^1] : 0, all.Count, errors, _firstError);
    }

    private async Task CycleAsync(LoadMarket market, List<LoadMarket.Pair> mine, int c)
    {
        _latencies[c] = [];
        using var desk = market.Desk(c);
        var providers = new Dictionary<string, HttpClient>();
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var pair = mine[n % mine.Count];
            if (!providers.TryGetValue(pair.Offering.ProviderToken, out var provider))
                providers[pair.Offering.ProviderToken] = provider = market.Client(pair.Offering.ProviderToken, c);
            var clock = Stopwatch.StartNew();
            try
            {
                using var hold = await desk.PostAsJsonAsync($"/api/v1/offerings/{pair.Offering.Id}/holds", new { requestId = pair.RequestId, outsidePolicyReason = LoadMarket.OutsidePolicyReason });
                if (hold.StatusCode != HttpStatusCode.Created) { await FailedAsync("hold", hold); continue; }
                var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
                using var decline = await provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/decline", new { reason = "no-capacity" });
                if (decline.StatusCode != HttpStatusCode.NoContent) { await FailedAsync("decline", decline); continue; }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _errors);
                continue;
            }
            if (Volatile.Read(ref _measuring)) _latencies[c].Add(clock.Elapsed.TotalMilliseconds);
        }
        foreach (var provider in providers.Values) provider.Dispose();
    }

    private async Task FailedAsync(string step, HttpResponseMessage answer)
    {
        if (Interlocked.Increment(ref _errors) == 1)
            _firstError = $"{step}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}";
    }
}
