using System.Data;
using Npgsql;

namespace Matchmaker.Silo.Data;

/// <summary>
/// The connection string's <c>Maximum Pool Size</c> split in two pools over the same database: a few warm connections
/// that every open takes while one of them is free, and the rest for bursts. Npgsql hands out idle connections in turn
/// (first in, first out), so a node that once needed many connections would spread even one caller's statements over all
/// of them, each statement waking the server process that has slept the longest; then one desk's hold-and-decline cycle
/// on one node ran 16-36 % slower (docs/performance.md, "Warm connections"). Connections of the burst pool that stay
/// idle are closed by Npgsql as before (<c>Connection Idle Lifetime</c>). A warm connection counts as taken from its open
/// until it closes (or breaks); a connection object opened a second time after closing would not count, so none is.
/// </summary>
internal sealed class PostgresPools : IAsyncDisposable
{
    public const int DefaultWarmConnections = 4;

    private readonly NpgsqlDataSource _warm;
    private readonly NpgsqlDataSource? _burst;
    private readonly int _warmSize;
    private int _warmInUse;

    public PostgresPools(NpgsqlConnectionStringBuilder settings, int warmConnections)
    {
        var total = settings.MaxPoolSize;
        _warmSize = Math.Clamp(warmConnections, 1, total);
        _warm = Build(settings, "warm", _warmSize, Math.Min(settings.MinPoolSize, _warmSize));
        _burst = total > _warmSize ? Build(settings, "burst", total - _warmSize, Math.Max(0, settings.MinPoolSize - _warmSize)) : null;
    }

    /// <summary>One of the two pools; their maximums and minimums add up to the connection string's.</summary>
    private static NpgsqlDataSource Build(NpgsqlConnectionStringBuilder settings, string pool, int maximum, int minimum)
    {
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { MaxPoolSize = maximum, MinPoolSize = minimum };
        return new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = $"matchmaker-{pool}" }.Build();
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_burst is null) return await _warm.OpenConnectionAsync(cancellationToken);
        if (Interlocked.Increment(ref _warmInUse) > _warmSize)
        {
            Interlocked.Decrement(ref _warmInUse);
            return await _burst.OpenConnectionAsync(cancellationToken);
        }
        // Listening before the open: a connection that breaks right after it still gives its turn back.
        var connection = _warm.CreateConnection();
        connection.StateChange += GiveBackWarm;
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            // A failed open never reached Open, so it raised no Closed either.
            connection.StateChange -= GiveBackWarm;
            Interlocked.Decrement(ref _warmInUse);
            await connection.DisposeAsync();
            throw;
        }
    }

    private void GiveBackWarm(object? sender, StateChangeEventArgs change)
    {
        if (change.OriginalState != ConnectionState.Open || change.CurrentState != ConnectionState.Closed || sender is not NpgsqlConnection connection) return;
        connection.StateChange -= GiveBackWarm;
        Interlocked.Decrement(ref _warmInUse);
    }

    public async ValueTask DisposeAsync()
    {
        await _warm.DisposeAsync();
        if (_burst is not null) await _burst.DisposeAsync();
    }
}
