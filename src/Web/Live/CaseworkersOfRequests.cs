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
                await NotToldAsync(e, notice, stoppingToken);
            }
        }
    }

    /// <summary>When a notice's caseworker could not be told. Warned of once per <see cref="WarnEvery"/>.</summary>
    public static readonly TimeSpan WarnEvery = TimeSpan.FromSeconds(30);

    private long _notToldSinceWarning;
    private long _lastWarning = long.MinValue;
    private long _notTold;

    /// <summary>How many notices this node could not deliver since it started.</summary>
    public long NotTold => Interlocked.Read(ref _notTold);

    /// <summary>
    /// A notice that could not be delivered is dropped (the caseworker sees the change on the next page they open). The
    /// warning names how many since the last one, so a database outage under load gives a warning per interval, not one
    /// per change; and while the database fails the loop waits a second before the next notice rather than asking it for
    /// every queued one at once (the queue keeps the newest 10,000).
    /// </summary>
    private async Task NotToldAsync(Exception failure, Notice notice, CancellationToken stoppingToken)
    {
        _notToldSinceWarning++;
        Interlocked.Increment(ref _notTold);
        var now = Environment.TickCount64;
        if (_lastWarning == long.MinValue || now - _lastWarning >= (long)WarnEvery.TotalMilliseconds)
        {
            logger.LogWarning(failure, "Live feed: could not tell the caseworkers of {Count} change(s) since the last warning; the last of request {Request}",
                _notToldSinceWarning, notice.RequestId);
            _notToldSinceWarning = 0;
            _lastWarning = now;
        }
        if (DatabaseFailure.IsPassing(failure)) await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
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
