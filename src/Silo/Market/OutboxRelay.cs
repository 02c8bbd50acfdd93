using Dapper;
using Matchmaker.Silo.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Matchmaker.Silo.Market;

/// <summary>One committed outbox row, as the relay hands it to the live connections of this node.</summary>
public sealed record OutboxEntry(long Id, string Topic, string? RegionCode, Guid? ProviderId, string AggregateId, long AggregateVersion, string Payload);

/// <summary>Where this node's relay delivers events: the SignalR hub in Web.</summary>
public interface IMarketEventSink
{
    Task DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken);
}

/// <summary>Wakes the relay on this node right after a commit.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Pulse()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Every node reads every committed outbox row after its own cursor and delivers it to its own clients, in id
/// order (per offering that is commit order: the conditional update serialises writers of one offering). On
/// PostgreSQL, ids can commit out of order across offerings, so ids skipped over are re-read for a while.
/// Woken by NOTIFY (PostgreSQL, all nodes), by a local commit, and otherwise every second.
/// </summary>
public sealed class OutboxRelay(Database database, IMarketEventSink sink, OutboxSignal signal, ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan GapLifetime = TimeSpan.FromSeconds(30);
    private readonly Dictionary<long, DateTime> _gaps = [];
    private long _cursor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _cursor = await StartingCursorAsync(stoppingToken);
        var listener = database.Provider == DatabaseProvider.Postgres ? ListenAsync(stoppingToken) : Task.CompletedTask;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                await RelayAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
            {
                logger.LogWarning(e, "Outbox relay could not read the outbox; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
        await listener;
    }

    private async Task<long> StartingCursorAsync(CancellationToken cancellationToken)
    {
        // Clients fetch a snapshot when they connect; the relay only needs what happens from now on.
        while (true)
        {
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                return await connection.ExecuteScalarAsync<long>("SELECT coalesce(max(id), 0) FROM outbox");
            }
            catch (System.Data.Common.DbException e)
            {
                logger.LogWarning(e, "Outbox relay cannot reach the database yet");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    private async Task RelayAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = DateTime.UtcNow;
            foreach (var expired in _gaps.Where(g => now - g.Value > GapLifetime).Select(g => g.Key).ToList())
                _gaps.Remove(expired);
            // A range, not a list: list parameters are expanded on SQLite but sent as arrays to PostgreSQL.
            var (firstGap, lastGap) = _gaps.Count == 0 ? (0L, -1L) : (_gaps.Keys.Min(), _gaps.Keys.Max());
            List<OutboxEntry> entries;
            await using (var connection = await database.OpenAsync(cancellationToken))
            {
                entries = (await connection.QueryAsync<OutboxEntry>("""
                    SELECT id AS Id, topic AS Topic, region_code AS RegionCode, provider_id AS ProviderId,
                           aggregate_id AS AggregateId, aggregate_version AS AggregateVersion, payload AS Payload
                    FROM outbox
                    WHERE id > @cursor OR (id >= @firstGap AND id <= @lastGap)
                    ORDER BY id
                    LIMIT 500
                    """, new { cursor = _cursor, firstGap, lastGap })).Where(e => e.Id > _cursor || _gaps.ContainsKey(e.Id)).ToList();
            }
            foreach (var entry in entries)
            {
                if (!_gaps.Remove(entry.Id))
                {
                    for (var missing = _cursor + 1; missing < entry.Id; missing++)
                        _gaps[missing] = now;
                    _cursor = Math.Max(_cursor, entry.Id);
                }
                await sink.DeliverAsync(entry, cancellationToken);
            }
            if (entries.Count < 500) return;
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await database.OpenDedicatedAsync(cancellationToken);
                connection.Notification += (_, _) => signal.Pulse();
                await connection.ExecuteAsync("LISTEN matchmaker_outbox");
                signal.Pulse();
                while (!cancellationToken.IsCancellationRequested)
                    await connection.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                logger.LogWarning(e, "Lost the LISTEN connection; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
