using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Matchmaker.LoadTests;

/// <summary>
/// Holds and declines with idempotency keys on one hot offering, through a ./cluster.sh cluster of three nodes, while
/// nodes go away. <c>kill</c>: the offering is first called through node 1 (so it lives there), the load goes through
/// nodes 2 and 3, and node 1 is killed with kill -9; prints how long until the offering took holds again.
/// <c>rolling</c>: the load goes through all three nodes while each is stopped (SIGTERM) and started again in turn;
/// prints how many calls had to be sent again and how many failed for good.
/// </summary>
public static class FailoverCommand
{
    private static readonly Uri[] Nodes = [new("http://127.0.0.1:5081"), new("http://127.0.0.1:5082"), new("http://127.0.0.1:5083")];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 1 || args[0] is not ("kill" or "rolling"))
        {
            Console.Error.WriteLine("Usage: failover kill|rolling [CLIENTS=8]   (against ./cluster.sh up 3, from the repository root)");
            return 2;
        }
        var rolling = args[0] == "rolling";
        var clients = args.Length > 1 ? int.Parse(args[1]) : 8;
        var market = new LoadMarket(Nodes);
        var offering = (await market.OfferingsAsync(1))[0];
        await market.OpenUpAsync(offering, free: clients + 2);
        var run = LoadMarket.RunId();
        using var registrar = market.Desk(1);
        var children = new List<Guid>();
        for (var i = 0; i < clients; i++) children.Add(await market.ChildForAsync(registrar, offering, $"FAIL-{run}-{i:000}"));

        var clock = Stopwatch.StartNew();
        var acknowledged = new ConcurrentBag<double>();
        var unreachable = 0;
        var unavailable = 0;
        var failed = 0;
        using var stop = new CancellationTokenSource();
        void Retried(bool nodeAnswered)
        {
            if (nodeAnswered) Interlocked.Increment(ref unavailable);
            else Interlocked.Increment(ref unreachable);
        }
        var usable = rolling ? new[] { 0, 1, 2 } : [1, 2];
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var desks = usable.Select(n => market.Desk(n)).ToArray();
            var providers = usable.Select(n => market.Client(offering.ProviderToken, n)).ToArray();
            var turn = c;
            while (!stop.IsCancellationRequested)
            {
                var hold = await SendAsync(desks, () => turn++, $"/api/v1/offerings/{offering.Id}/holds", new { requestId = children[c], outsidePolicyReason = LoadMarket.OutsidePolicyReason }, Retried);
                if (hold is null) { Interlocked.Increment(ref failed); continue; }
                acknowledged.Add(clock.Elapsed.TotalSeconds);
                var holdId = JsonDocument.Parse(hold).RootElement[0].GetProperty("holdId").GetGuid();
                if (await SendAsync(providers, () => turn++, $"/api/v1/holds/{holdId}/decline", new { reason = "no-capacity" }, Retried) is null)
                    Interlocked.Increment(ref failed);
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(5));
        double eventAt;
        if (rolling)
        {
            eventAt = clock.Elapsed.TotalSeconds;
            for (var node = 1; node <= 3; node++)
            {
                await ClusterAsync("stop", node);
                await Task.Delay(TimeSpan.FromSeconds(2));
                await ClusterAsync("start", node);
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
        }
        else
        {
            eventAt = clock.Elapsed.TotalSeconds;
            await ClusterAsync("kill", 1);
            await Task.Delay(TimeSpan.FromSeconds(15));
        }
        stop.Cancel();
        await Task.WhenAll(workers);

        // The longest time without any hold acknowledged, from the event on: how long the offering answered nobody.
        var times = acknowledged.Where(t => t >= eventAt - 1).Order().Prepend(eventAt).ToList();
        var longestGap = times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty(double.NaN).Max();
        Console.Out.WriteLine((rolling ? $"rolling restart of 3 nodes under {clients} clients: " : $"kill -9 of node 1 under {clients} clients: ") +
            $"{acknowledged.Count} holds, longest pause without a hold {longestGap:0.00} s, calls sent again: {unreachable} to a node that was down, " +
            $"{unavailable} after a 503; {failed} failed for good");
        return 0;
    }

    /// <summary>Sends a write with one idempotency key until a node answers it (next node after a failure), for at most 30 s; null when refused or never answered.</summary>
    private static async Task<string?> SendAsync(HttpClient[] nodes, Func<int> next, string path, object body, Action<bool> onRetry)
    {
        var key = Guid.NewGuid().ToString();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var node = next();
        while (DateTime.UtcNow < deadline)
        {
            var answered = false;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await nodes[node % nodes.Length].SendAsync(request);
                if (response.IsSuccessStatusCode) return await response.Content.ReadAsStringAsync();
                answered = true;
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable && (int)response.StatusCode < 500) return null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // that node is gone: the next one
            }
            onRetry(answered);
            node = next();
            await Task.Delay(100);
        }
        return null;
    }

    private static async Task ClusterAsync(string verb, int node)
    {
        using var script = Process.Start(new ProcessStartInfo("./cluster.sh") { ArgumentList = { verb, node.ToString() } })!;
        await script.WaitForExitAsync();
        if (verb == "stop")
        {
            var pid = int.Parse(await File.ReadAllTextAsync($"artifacts/cluster/node{node}.pid"));
            while (Process.GetProcesses().Any(p => p.Id == pid)) await Task.Delay(100);
        }
    }
}
