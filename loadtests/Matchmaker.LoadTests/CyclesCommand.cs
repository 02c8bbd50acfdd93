using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Matchmaker.LoadTests;

/// <summary>
/// Hold-and-release cycles through the API: each client holds a place for its child (desk) and the provider declines
/// it at once, again and again. <c>spread</c>: the clients' children are spread over many offerings; <c>hot</c>: every
/// client on one offering. Prints cycles per second and the latency of a cycle.
/// </summary>
public static class CyclesCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3 || !int.TryParse(args[1], out var clients) || clients is < 1 or > 512 || args[2] is not ("spread" or "hot"))
        {
            Console.Error.WriteLine("Usage: cycles NODE[,NODE...] CLIENTS spread|hot [SECONDS=20] [OFFERINGS=130]");
            return 2;
        }
        var market = new LoadMarket(LoadMarket.ParseNodes(args[0]));
        var hot = args[2] == "hot";
        var seconds = args.Length > 3 ? int.Parse(args[3]) : 20;
        var offeringCount = hot ? 1 : (args.Length > 4 ? int.Parse(args[4]) : 130);

        var offerings = await market.OfferingsAsync(offeringCount);
        for (var i = 0; i < offerings.Count; i++) await market.OpenUpAsync(offerings[i], free: clients + 2, node: i);
        var run = LoadMarket.RunId();
        using var registrar = market.Desk();
        // Spread: one child per offering, the offerings dealt out over the clients; hot: one child per client, one offering.
        var pairs = new List<LoadMarket.Pair>();
        for (var i = 0; i < Math.Max(clients, offerings.Count); i++)
        {
            var offering = offerings[i % offerings.Count];
            pairs.Add(new LoadMarket.Pair(offering, await market.ChildForAsync(registrar, offering, $"LOAD-{run}-{i:0000}")));
        }

        var latencies = new List<double>[clients];
        var errors = 0;
        var measuring = false;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            latencies[c] = [];
            using var desk = market.Desk(c);
            var providers = new Dictionary<string, HttpClient>();
            var mine = pairs.Where((_, i) => i % clients == c).ToList();
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var pair = mine[n % mine.Count];
                if (!providers.TryGetValue(pair.Offering.ProviderToken, out var provider))
                    providers[pair.Offering.ProviderToken] = provider = market.Client(pair.Offering.ProviderToken, c);
                var clock = Stopwatch.StartNew();
                try
                {
                    using var hold = await desk.PostAsJsonAsync($"/api/v1/offerings/{pair.Offering.Id}/holds", new { requestId = pair.RequestId });
                    if (hold.StatusCode != HttpStatusCode.Created) { Interlocked.Increment(ref errors); continue; }
                    var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
                    using var decline = await provider.PostAsJsonAsync($"/api/v1/holds/{holdId}/decline", new { reason = "no-capacity" });
                    if (decline.StatusCode != HttpStatusCode.NoContent) { Interlocked.Increment(ref errors); continue; }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                    continue;
                }
                if (Volatile.Read(ref measuring)) latencies[c].Add(clock.Elapsed.TotalMilliseconds);
            }
            foreach (var provider in providers.Values) provider.Dispose();
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        Volatile.Write(ref measuring, true);
        var errorsBefore = Volatile.Read(ref errors);
        var measured = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref measuring, false);
        measured.Stop();
        var errorsDuring = Volatile.Read(ref errors) - errorsBefore;
        stop.Cancel();
        await Task.WhenAll(workers);

        var all = latencies.SelectMany(l => l).Order().ToList();
        Console.Out.WriteLine($"{args[2]} {clients} client(s) on {market.Nodes.Count} node(s), {offerings.Count} offering(s): " +
            $"{all.Count / measured.Elapsed.TotalSeconds:0.0} cycles/s, cycle p50 {LoadMarket.Percentile(all, 0.5):0.0} ms, " +
            $"p99 {LoadMarket.Percentile(all, 0.99):0.0} ms, max {(all.Count > 0 ? all[^1] : 0):0.0} ms, {errorsDuring} error(s)");
        return 0;
    }
}
