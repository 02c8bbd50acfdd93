using System.Data.Common;
using Dapper;
using Matchmaker.Silo.Data;
using Microsoft.Extensions.Logging;

namespace Matchmaker.Silo.Market;

/// <summary>
/// Which regions' timers this node runs. On PostgreSQL each region is a session advisory lock on one long-lived
/// connection: exactly one node holds it, and a node that dies (or loses its connection) loses its locks, so
/// another takes over. On SQLite there is one node, and it runs every region.
/// </summary>
public sealed class RegionLeases(Database database, ILogger<RegionLeases> logger) : IAsyncDisposable
{
    // The first half of every lock key, so region locks never collide with other advisory locks.
    private const int LockNamespace = 0x4D4D;
    private DbConnection? _connection;
    private readonly HashSet<string> _owned = [];

    public IReadOnlyCollection<string> Owned => _owned;

    /// <summary>Tries to take every region not yet owned; returns the regions this node owns now.</summary>
    public async Task<IReadOnlyCollection<string>> RefreshAsync(IEnumerable<string> regions, CancellationToken cancellationToken)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            _owned.UnionWith(regions);
            return _owned;
        }
        try
        {
            if (_connection is null)
            {
                _owned.Clear();
                _connection = await database.OpenDedicatedAsync(cancellationToken);
            }
            else
            {
                // Our locks live only as long as this connection: check it is still there.
                await _connection.ExecuteScalarAsync<int>("SELECT 1");
            }
            foreach (var region in regions.Where(r => !_owned.Contains(r)))
            {
                if (await _connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@ns, @key)", new { ns = LockNamespace, key = Key(region) }))
                    _owned.Add(region);
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            logger.LogWarning(e, "Lost the region leases; will try to take them again");
            await DropConnectionAsync();
        }
        return _owned;
    }

    /// <summary>A stable 32-bit key for a region code (FNV-1a), the same on every node and every run.</summary>
    public static int Key(string regionCode)
    {
        unchecked
        {
            var hash = 2166136261u;
            foreach (var c in regionCode) hash = (hash ^ c) * 16777619u;
            return (int)hash;
        }
    }

    private async Task DropConnectionAsync()
    {
        _owned.Clear();
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
    }

    public async ValueTask DisposeAsync() => await DropConnectionAsync();
}
