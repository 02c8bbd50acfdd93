using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Requests;
using Microsoft.AspNetCore.SignalR;

namespace Matchmaker.Web.Live;

/// <summary>
/// Tells a caseworker what happens to the children they filed, and only those: a hold or request change is looked up
/// (which caseworker filed the request, if any) off the delivery path, so no change waits for the database, and then
/// sent to that caseworker's group. A request's caseworker is set when it is filed and never changes: kept once read.
/// While no caseworker is connected to this node (the usual case under load), nothing is queued or looked up.
/// </summary>
public sealed class CaseworkersOfRequests(RequestReads requests, IHubContext<AvailabilityHub, IAvailabilityClient> hub, ILogger<CaseworkersOfRequests> logger)
    : BackgroundService
{
    private const int MaxRemembered = 100_000;
    private readonly ConcurrentDictionary<Guid, Guid?> _known = new();
    private int _connected;
    private readonly Channel<Notice> _notices = Channel.CreateBounded<Notice>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    private sealed record Notice(string RegionCode, Guid RequestId, bool IsHold, JsonElement Payload);

    public void Connected() => Interlocked.Increment(ref _connected);

    public void Disconnected() => Interlocked.Decrement(ref _connected);

    public void Enqueue(string regionCode, Guid requestId, bool isHold, JsonElement payload)
    {
        if (Volatile.Read(ref _connected) > 0)
            _notices.Writer.TryWrite(new Notice(regionCode, requestId, isHold, payload));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var notice in _notices.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (await CaseworkerOfAsync(notice, stoppingToken) is not { } caseworker) continue;
                var group = hub.Clients.Group(AvailabilityHub.CaseworkerGroup(caseworker));
                await (notice.IsHold ? group.holdChanged(notice.Payload) : group.requestChanged(notice.Payload));
            }
            catch (Exception e) when (e is InvalidOperationException || DatabaseFailure.IsPassing(e))
            {
                logger.LogWarning(e, "Live feed: could not tell the caseworker of request {Request}", notice.RequestId);
            }
        }
    }

    private async Task<Guid?> CaseworkerOfAsync(Notice notice, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(notice.RequestId, out var caseworker)) return caseworker;
        caseworker = await requests.CaseworkerOfAsync(notice.RegionCode, notice.RequestId, cancellationToken);
        if (_known.Count >= MaxRemembered) _known.Clear();
        _known[notice.RequestId] = caseworker;
        return caseworker;
    }
}
