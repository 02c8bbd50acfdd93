using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Matchmaker.Silo.Live;

/// <summary>Where a node delivers live changes: the SignalR hub of the web node.</summary>
public interface IMarketEventSink
{
    Task DeliverAsync(MarketChange change, CancellationToken cancellationToken);
}

/// <summary>
/// This node's end of the live feed: subscribes its observer with the registry, delivers every pushed change to its
/// own clients once, and catches up what it missed. Every change has a number in the change log (the outbox); a
/// number that was skipped, or that the log has and no push brought, is re-read from the log after a short grace,
/// so a change whose node died between commit and push still reaches every client.
/// </summary>
public sealed class LiveFeedForwarder(
    IGrainFactory grains, Database database, IMarketEventSink sink, EndedHolds endedHolds, IHostApplicationLifetime lifetime,
    ILogger<LiveFeedForwarder> logger)
    : BackgroundService, IMarketFeedObserver
{
    private static readonly TimeSpan Resubscribe = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    // A number never seen in the log by then belonged to a transaction that rolled back.
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(30);
    private const int MaxTracked = 20_000;

    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, DateTime> _missing = [];
    private long _highest = -1;
    private IMarketFeedObserver? _self;

    public long CaughtUp { get; private set; }

    public Task OnChanges(MarketChange[] changes)
    {
        var fresh = new List<MarketChange>(changes.Length);
        lock (_gate)
        {
            foreach (var change in changes)
                if (Claim(change.Sequence)) fresh.Add(change);
        }
        return DeliverAsync(fresh, CancellationToken.None);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await StartFromTheLogAsync(stoppingToken);
        await HostStarted.WaitAsync(lifetime, stoppingToken);
        var lastSubscribed = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (DateTime.UtcNow - lastSubscribed >= Resubscribe)
                {
                    _self ??= grains.CreateObjectReference<IMarketFeedObserver>(this);
                    await grains.GetGrain<ILiveFeedRegistryGrain>(0).Subscribe(_self).WaitAsync(stoppingToken);
                    lastSubscribed = DateTime.UtcNow;
                }
                await CatchUpAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is OrleansException or InvalidOperationException || DatabaseFailure.IsPassing(e))
            {
                logger.LogWarning(e, "Live feed: could not subscribe or catch up; trying again");
            }
            try
            {
                await Task.Delay(Sweep, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_self is not null)
        {
            try
            {
                await grains.GetGrain<ILiveFeedRegistryGrain>(0).Unsubscribe(_self).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                logger.LogDebug(e, "Live feed: could not unsubscribe on shutdown; the registry lets the subscription expire");
            }
        }
        await base.StopAsync(cancellationToken);
    }

    private async Task StartFromTheLogAsync(CancellationToken cancellationToken)
    {
        // Clients load a snapshot when they connect; this node only owes them what commits from now on.
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var latest = await LatestInLogAsync(cancellationToken);
                lock (_gate)
                {
                    _highest = Math.Max(_highest, latest);
                }
                return;
            }
            catch (Exception e) when (DatabaseFailure.IsPassing(e))
            {
                logger.LogWarning(e, "Live feed: cannot read the change log yet");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    /// <summary>True when this number was neither delivered nor given up on: deliver it. Remembers any numbers it jumps over.</summary>
    private bool Claim(long sequence)
    {
        if (_highest < 0)
        {
            // Not started from the log yet: nothing before this push is owed.
            _highest = sequence;
            return true;
        }
        if (sequence > _highest)
        {
            var now = DateTime.UtcNow;
            for (var skipped = Math.Max(_highest + 1, sequence - MaxTracked); skipped < sequence; skipped++)
                _missing.TryAdd(skipped, now);
            _highest = sequence;
            Trim();
            return true;
        }
        return _missing.Remove(sequence);
    }

    private void Trim()
    {
        while (_missing.Count > MaxTracked)
            _missing.Remove(_missing.Keys.First());
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var latest = await LatestInLogAsync(cancellationToken);
        long from, to;
        lock (_gate)
        {
            if (latest > _highest)
            {
                var now = DateTime.UtcNow;
                for (var unseen = Math.Max(_highest + 1, latest - MaxTracked); unseen <= latest; unseen++)
                    _missing.TryAdd(unseen, now);
                _highest = latest;
                Trim();
            }
            var overdue = _missing.Where(m => DateTime.UtcNow - m.Value >= Grace).Select(m => m.Key).ToList();
            if (overdue.Count == 0) return;
            foreach (var abandoned in _missing.Where(m => DateTime.UtcNow - m.Value >= GiveUp).Select(m => m.Key).ToList())
                _missing.Remove(abandoned);
            (from, to) = (overdue[0], overdue[^1]);
        }

        List<MarketChange> rows;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            try
            {
                rows = (await connection.QueryAsync<MarketChange>(ChangesFrom + " WHERE id >= @from AND id <= @to ORDER BY id LIMIT 2000", new { from, to })).ToList();
            }
            catch (System.Data.DataException e)
            {
                // A row of the range cannot be read (a value that does not convert): read the range's changes one by one,
                // so that row alone is left out, and not every change after it as well.
                logger.LogError(e, "Live feed: the change log from #{From} to #{To} could not be read at once; reading it change by change", from, to);
                rows = await OneByOneAsync(connection, from, to, cancellationToken);
            }
        }
        var missed = new List<MarketChange>();
        lock (_gate)
        {
            foreach (var row in rows)
                if (_missing.Remove(row.Sequence)) missed.Add(row);
        }
        if (missed.Count == 0) return;
        CaughtUp += missed.Count;
        logger.LogInformation("Live feed: caught up {Count} change(s) this node missed (up to #{Last})", missed.Count, missed[^1].Sequence);
        await DeliverAsync(missed, cancellationToken);
    }

    private const string ChangesFrom = """
        SELECT id AS Sequence, topic AS Topic, region_code AS RegionCode, provider_id AS ProviderId,
               aggregate_id AS AggregateId, aggregate_version AS AggregateVersion, payload AS Payload
        FROM outbox
        """;

    private async Task<List<MarketChange>> OneByOneAsync(System.Data.Common.DbConnection connection, long from, long to, CancellationToken cancellationToken)
    {
        List<long> owed;
        lock (_gate)
        {
            owed = [.. _missing.Keys.Where(sequence => sequence >= from && sequence <= to).Take(2000)];
        }
        var rows = new List<MarketChange>();
        foreach (var sequence in owed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (await connection.QuerySingleOrDefaultAsync<MarketChange>(ChangesFrom + " WHERE id = @sequence", new { sequence }) is { } row)
                    rows.Add(row);
            }
            // Only a value that does not convert makes the row unreadable; a connection lost mid-row is tried again.
            catch (System.Data.DataException e) when (e.InnerException is FormatException or InvalidCastException or OverflowException)
            {
                lock (_gate)
                {
                    _missing.Remove(sequence);
                }
                logger.LogError(e, "Live feed: change #{Sequence} in the change log cannot be read; left out", sequence);
            }
        }
        return rows;
    }

    private async Task<long> LatestInLogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>("SELECT coalesce(max(id), 0) FROM outbox");
    }

    private async Task DeliverAsync(List<MarketChange> changes, CancellationToken cancellationToken)
    {
        endedHolds.HeardOf(changes);
        foreach (var change in changes)
        {
            try
            {
                await sink.DeliverAsync(change, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.Text.Json.JsonException)
            {
                logger.LogWarning(e, "Live feed: could not deliver change #{Sequence} to this node's clients", change.Sequence);
            }
        }
    }
}
