using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.LoadTests;

/// <summary>What a fan-out run watches: which offering changes, and the totalUnits of its change n (baseTotal + n + 1).</summary>
public sealed record WatchedChanges(Guid OfferingId, int BaseTotal, int Changes);

/// <summary>
/// Desk clients number <c>first</c> to <c>first + count - 1</c> of a fan-out run, connected live in this process. Client c
/// connects to node c mod nodes as the desk of region c mod regions, whichever process runs it, so a run spread over
/// processes connects the same desks. Each notes the moment (<see cref="Stopwatch.GetTimestamp"/>, one clock for every
/// process of the machine) it heard each change.
/// </summary>
public sealed class DeskCrowd : IAsyncDisposable
{
    private readonly long[][] _received;
    private readonly HubConnection?[] _connections;
    private readonly RawDeskClient?[] _raws;

    public int Failed { get; private set; }

    private DeskCrowd(int count)
    {
        _received = new long[count][];
        _connections = new HubConnection?[count];
        _raws = new RawDeskClient?[count];
    }

    public static async Task<DeskCrowd> ConnectAsync(IReadOnlyList<Uri> nodes, int first, int count, WatchedChanges watched, bool official)
    {
        var crowd = new DeskCrowd(count);
        var offeringText = System.Text.Encoding.UTF8.GetBytes(watched.OfferingId.ToString());
        var regions = Matchmaker.Silo.Demo.DemoRegions.All;
        var failed = 0;
        foreach (var batch in Enumerable.Range(0, count).Chunk(100))
        {
            await Task.WhenAll(batch.Select(async i =>
            {
                var heard = crowd._received[i] = new long[watched.Changes];
                void Heard(int totalUnits)
                {
                    var n = totalUnits - watched.BaseTotal - 1;
                    if (n >= 0 && n < watched.Changes && heard[n] == 0) heard[n] = Stopwatch.GetTimestamp();
                }
                var c = first + i;
                var node = nodes[c % nodes.Count];
                var token = LoadMarket.DemoToken("desk", regions[c % regions.Count].Code);
                try
                {
                    if (official)
                    {
                        var connection = crowd._connections[i] = DeskHub.Connect(node, token);
                        connection.On<JsonElement>("availabilityChanged", change =>
                        {
                            if (change.GetProperty("offeringId").GetGuid() == watched.OfferingId) Heard(change.GetProperty("totalUnits").GetInt32());
                        });
                        await connection.StartAsync();
                    }
                    else
                        await (crowd._raws[i] = new RawDeskClient(node, token)).StartAsync(offeringText, Heard);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or System.Net.WebSockets.WebSocketException or TimeoutException)
                {
                    Interlocked.Increment(ref failed);
                }
            }));
        }
        crowd.Failed = failed;
        return crowd;
    }

    /// <summary>What each client still connected heard: per change the moment, or 0 when it never did.</summary>
    public List<long[]> StillConnected() =>
        Enumerable.Range(0, _received.Length)
            .Where(i => _connections[i]?.State == HubConnectionState.Connected || _raws[i]?.Connected == true)
            .Select(i => _received[i]).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var batch in _connections.OfType<HubConnection>().Chunk(200)) await Task.WhenAll(batch.Select(c => c.DisposeAsync().AsTask()));
        foreach (var batch in _raws.OfType<RawDeskClient>().Chunk(200)) await Task.WhenAll(batch.Select(c => c.DisposeAsync().AsTask()));
    }
}
