using System.Diagnostics;
using System.Net;
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
        _workers = Enumerable.Range(0, clients).Select(c => OnOwnThread(() => Cycle(market, pairs.Where((_, i) => i % clients == c).ToList(), c))).ToList();
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

    /// <summary>
    /// Each client on a thread of its own with blocking connections (see <see cref="RawHttpConnection"/>): the console then
    /// costs the shared machine little more than pgbench does, and its threads sleep while they wait.
    /// </summary>
    private static Task OnOwnThread(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try { work(); done.SetResult(); }
            catch (Exception e) { done.SetException(e); }
        }) { IsBackground = true }.Start();
        return done.Task;
    }

    private void Cycle(LoadMarket market, List<LoadMarket.Pair> mine, int c)
    {
        _latencies[c] = [];
        using var desk = market.RawClient(LoadMarket.DemoToken("desk", LoadMarket.Region), c);
        var providers = new Dictionary<string, RawHttpConnection>();
        var holdBodies = mine.Select(p => JsonSerializer.SerializeToUtf8Bytes(new { requestId = p.RequestId, outsidePolicyReason = LoadMarket.OutsidePolicyReason })).ToList();
        var declineBody = JsonSerializer.SerializeToUtf8Bytes(new { reason = "no-capacity" });
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var pair = mine[n % mine.Count];
            if (!providers.TryGetValue(pair.Offering.ProviderToken, out var provider))
                providers[pair.Offering.ProviderToken] = provider = market.RawClient(pair.Offering.ProviderToken, c);
            var clock = Stopwatch.StartNew();
            try
            {
                var hold = desk.Post($"/api/v1/offerings/{pair.Offering.Id}/holds", holdBodies[n % mine.Count]);
                if (hold.Status != (int)HttpStatusCode.Created) { Failed("hold", hold); continue; }
                var holdId = JsonDocument.Parse(hold.Body).RootElement[0].GetProperty("holdId").GetGuid();
                var decline = provider.Post($"/api/v1/holds/{holdId}/decline", declineBody);
                if (decline.Status != (int)HttpStatusCode.NoContent) { Failed("decline", decline); continue; }
            }
            // A lost connection, or a hold's answer without its hold: an error of the run, not the end of the client.
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
            {
                Interlocked.Increment(ref _errors);
                _firstError ??= e.Message;
                continue;
            }
            if (Volatile.Read(ref _measuring)) _latencies[c].Add(clock.Elapsed.TotalMilliseconds);
        }
        foreach (var provider in providers.Values) provider.Dispose();
    }

    private void Failed(string step, (int Status, ReadOnlyMemory<byte> Body) answer)
    {
        if (Interlocked.Increment(ref _errors) == 1)
            _firstError = $"{step}: {answer.Status} {System.Text.Encoding.UTF8.GetString(answer.Body.Span)}";
    }
}
