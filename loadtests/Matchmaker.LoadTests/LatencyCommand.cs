using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.LoadTests;

/// <summary>
/// Measures the time from a provider's capacity update (sent to node A) to the availabilityChanged event at a desk's
/// SignalR client (connected to node B, which may be A). Runs against nodes that are already up, on loopback.
/// </summary>
public static class LatencyCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var nodeA = new Uri(args.ElementAtOrDefault(0) ?? "http://127.0.0.1:5080");
        var nodeB = new Uri(args.ElementAtOrDefault(1) ?? nodeA.ToString());
        var changes = int.TryParse(args.ElementAtOrDefault(2), out var n) && n is > 0 and <= 1000 ? n : 50;
        const string region = "rijnmond";

        using var provider = new HttpClient { BaseAddress = nodeA };
        provider.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"mm_demo_provider_{region}");
        var offering = (await provider.GetFromJsonAsync<JsonElement>("/api/v1/offerings")).EnumerateArray().First();
        var offeringId = offering.GetProperty("offeringId").GetGuid();
        var total = offering.GetProperty("totalUnits").GetInt32();
        var occupied = offering.GetProperty("occupiedUnits").GetInt32();

        var events = Channel.CreateUnbounded<JsonElement>();
        await using var desk = DeskHub.Connect(nodeB, $"mm_demo_desk_{region}");
        desk.On<JsonElement>("availabilityChanged", change =>
        {
            if (change.GetProperty("offeringId").GetGuid() == offeringId) events.Writer.TryWrite(change);
        });
        await desk.StartAsync();

        var latencies = new List<double>();
        for (var i = 0; i <= changes; i++)
        {
            var clock = Stopwatch.StartNew();
            var response = await provider.PutAsJsonAsync($"/api/v1/offerings/{offeringId}/capacity",
                new { totalUnits = total + 1 + i % 2, occupiedUnits = occupied });
            response.EnsureSuccessStatusCode();
            await events.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (i > 0) latencies.Add(clock.Elapsed.TotalMilliseconds);
        }
        await provider.PutAsJsonAsync($"/api/v1/offerings/{offeringId}/capacity", new { totalUnits = total, occupiedUnits = occupied });

        latencies.Sort();
        double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
        Console.Out.WriteLine($"update on {nodeA} -> event at client on {nodeB}: {changes} changes after one warm-up, " +
            $"median {Percentile(0.5):0.0} ms, p95 {Percentile(0.95):0.0} ms, max {latencies[^1]:0.0} ms");
        return 0;
    }
}
