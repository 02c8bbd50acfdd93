using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.LoadTests;

/// <summary>
/// Many desks connected live over the nodes; a provider changes one offering's capacity through the first node again
/// and again. Measures, for every client and every change, the time from sending the change to the client receiving
/// it, and counts the changes a client never received.
/// </summary>
public static class FanoutCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2 || !int.TryParse(args[1], out var clients) || clients is < 1 or > 20_000)
        {
            Console.Error.WriteLine("Usage: fanout NODE[,NODE...] CLIENTS [CHANGES=20] [--signalr-client] [--each]");
            return 2;
        }
        // The official client costs the console about 50 µs of CPU per message received (issue 23): at 5,000 desks on
        // the nodes' own two cores it was a large part of what it measured. The raw client speaks the same protocol.
        // Each received message otherwise wakes a pool thread to run its continuation; the desks' work per message is a
        // byte search, so the socket engine's threads (one per core) run it. Read once, when the first socket is made
        // (none yet). A desk's time is taken after its message is read, so the console's own queue counts against it.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        var official = args.Contains("--signalr-client");
        // Where the tail comes from: the median and slowest client of every change, one line each.
        var each = args.Contains("--each");
        args = [.. args.Where(a => a is not ("--signalr-client" or "--each"))];
        var market = new LoadMarket(LoadMarket.ParseNodes(args[0]));
        var changes = args.Length > 2 ? int.Parse(args[2]) : 20;
        var offering = (await market.OfferingsAsync(1))[0];
        using var provider = market.Client(offering.ProviderToken);
        var own = await provider.GetFromJsonAsync<JsonElement>("/api/v1/offerings");
        var now = own.EnumerateArray().Single(o => o.GetProperty("offeringId").GetGuid() == offering.Id);
        var occupied = now.GetProperty("occupiedUnits").GetInt32();
        var baseTotal = occupied + now.GetProperty("heldUnits").GetInt32() + 10;

        // received[client][change]: the moment the client heard change n (totalUnits = baseTotal + n + 1).
        var received = new long[clients][];
        var clock = Stopwatch.StartNew();
        var connections = new HubConnection?[clients];
        var raws = new RawDeskClient?[clients];
        var offeringText = System.Text.Encoding.UTF8.GetBytes(offering.Id.ToString());
        var regions = Matchmaker.Silo.Demo.DemoRegions.All;
        var connecting = Stopwatch.StartNew();
        var failed = 0;
        foreach (var batch in Enumerable.Range(0, clients).Chunk(100))
        {
            await Task.WhenAll(batch.Select(async c =>
            {
                received[c] = new long[changes];
                void Heard(int totalUnits)
                {
                    var n = totalUnits - baseTotal - 1;
                    if (n >= 0 && n < changes && received[c][n] == 0) received[c][n] = clock.ElapsedTicks;
                }
                var node = market.Nodes[c % market.Nodes.Count];
                var token = LoadMarket.DemoToken("desk", regions[c % regions.Count].Code);
                try
                {
                    if (official)
                    {
                        var connection = connections[c] = DeskHub.Connect(node, token);
                        connection.On<JsonElement>("availabilityChanged", change =>
                        {
                            if (change.GetProperty("offeringId").GetGuid() == offering.Id) Heard(change.GetProperty("totalUnits").GetInt32());
                        });
                        await connection.StartAsync();
                    }
                    else
                        await (raws[c] = new RawDeskClient(node, token)).StartAsync(offeringText, Heard);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or System.Net.WebSockets.WebSocketException or TimeoutException)
                {
                    Interlocked.Increment(ref failed);
                }
            }));
        }
        Console.Out.WriteLine($"{clients - failed} of {clients} desk clients connected over {market.Nodes.Count} node(s) in {connecting.Elapsed.TotalSeconds:0.0} s");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var sent = new long[changes];
        // Whether the load console itself is the bottleneck: its own CPU and the machine's while the changes go out.
        var console = Process.GetCurrentProcess();
        var consoleBefore = console.TotalProcessorTime;
        var machineBefore = MachineCpu.Read();
        var window = Stopwatch.StartNew();
        for (var n = 0; n < changes; n++)
        {
            sent[n] = clock.ElapsedTicks;
            var response = await provider.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity", new { totalUnits = baseTotal + n + 1, occupiedUnits = occupied });
            response.EnsureSuccessStatusCode();
            await Task.Delay(500);
        }
        await Task.Delay(TimeSpan.FromSeconds(5));
        console.Refresh();
        var consoleShare = (console.TotalProcessorTime - consoleBefore).TotalSeconds / window.Elapsed.TotalSeconds;
        var machine = MachineCpu.Read().BusySince(machineBefore);

        var latencies = new List<double>();
        var missed = 0;
        var counted = Enumerable.Range(0, clients)
            .Where(c => connections[c]?.State == HubConnectionState.Connected || raws[c]?.Connected == true).ToList();
        foreach (var c in counted)
        {
            for (var n = 0; n < changes; n++)
            {
                if (received[c][n] == 0) missed++;
                else latencies.Add(Stopwatch.GetElapsedTime(sent[n], received[c][n]).TotalMilliseconds);
            }
        }
        latencies.Sort();
        if (each) PrintEachChange(received, sent, counted);
        Console.Out.WriteLine($"{changes} changes to {counted.Count} clients: p50 {LoadMarket.Percentile(latencies, 0.5):0.0} ms, " +
            $"p99 {LoadMarket.Percentile(latencies, 0.99):0.0} ms, max {(latencies.Count > 0 ? latencies[^1] : 0):0.0} ms, {missed} missed" +
            (clients - failed - counted.Count is > 0 and var dropped ? $", {dropped} connection(s) dropped before the end" : ""));
        var consoleMsPerChange = consoleShare * window.Elapsed.TotalMilliseconds / changes;
        Console.Out.WriteLine($"load console CPU {consoleShare:P0} of one core over the {window.Elapsed.TotalSeconds:0} s of changes " +
            $"({consoleMsPerChange:0} ms of CPU per change received by all its clients); the machine's {Environment.ProcessorCount} cores {machine:P0} busy");
        foreach (var batch in connections.OfType<HubConnection>().Chunk(200)) await Task.WhenAll(batch.Select(c => c.DisposeAsync().AsTask()));
        foreach (var batch in raws.OfType<RawDeskClient>().Chunk(200)) await Task.WhenAll(batch.Select(c => c.DisposeAsync().AsTask()));
        return 0;
    }

    private static void PrintEachChange(long[][] received, long[] sent, List<int> counted)
    {
        for (var n = 0; n < sent.Length; n++)
        {
            var heard = counted.Where(c => received[c][n] != 0)
                .Select(c => Stopwatch.GetElapsedTime(sent[n], received[c][n]).TotalMilliseconds).Order().ToList();
            var missed = counted.Count - heard.Count;
            Console.Out.WriteLine(heard.Count == 0
                ? $"change {n + 1}: heard by none of {counted.Count}"
                : $"change {n + 1}: {heard.Count} heard, {missed} missed, first {heard[0]:0.0} ms, p50 {LoadMarket.Percentile(heard, 0.5):0.0} ms, " +
                  $"p99 {LoadMarket.Percentile(heard, 0.99):0.0} ms, max {heard[^1]:0.0} ms");
        }
    }
}
