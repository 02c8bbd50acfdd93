using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Access;

/// <summary>
/// Which of the callers that hold live connections still count, asked for many at once: a node re-checks its open
/// sockets with these (a socket outlives the request that opened it, so a session that ended must close it too).
/// </summary>
public sealed class LiveCallers(Database database, DemoOptions demo, TimeProvider clock)
{
    private const int Batch = 500;

    // "id {0}": SQLite gets Dapper's list expansion (IN (@batch1, …), ids as text "D": the expansion bypasses the GUID
    // type handler); PostgreSQL one array parameter (= ANY), which Dapper passes to Npgsql as it is.
    private async Task<IEnumerable<T>> ByIdsAsync<T>(System.Data.Common.DbConnection connection, string sql, Array batch, object rest)
    {
        var parameters = new DynamicParameters(rest);
        var sqlite = database.Provider == DatabaseProvider.Sqlite;
        parameters.Add("batch", sqlite && batch is Guid[] ids ? ids.Select(id => id.ToString("D")).ToArray() : batch);
        return await connection.QueryAsync<T>(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, sqlite ? "IN @batch" : "= ANY(@batch)"), parameters);
    }

    /// <summary>The users among <paramref name="ids"/> that are enabled (and, for demo users, demo mode is on), with their security stamps.</summary>
    public async Task<Dictionary<Guid, string>> UsersStandingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var standing = new Dictionary<Guid, string>();
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var batch in ids.Chunk(Batch))
            foreach (var (id, stamp) in await ByIdsAsync<(Guid, string)>(connection, """
                    SELECT id, security_stamp FROM users
                    WHERE id {0} AND disabled_at IS NULL AND (is_demo = false OR @demoEnabled = true)
                    """, batch, new { demoEnabled = demo.Enabled }))
                standing[id] = stamp;
        return standing;
    }

    /// <summary>The organisation sessions among <paramref name="ids"/> that have not ended: neither ended there nor past their fixed end.</summary>
    public async Task<HashSet<string>> OrganisationSessionsStandingAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var standing = new HashSet<string>(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var batch in ids.Chunk(Batch))
            standing.UnionWith(await ByIdsAsync<string>(connection,
                "SELECT id FROM organisation_sessions WHERE id {0} AND ended_at IS NULL AND ends_at > @now", batch, new { now }));
        return standing;
    }

    /// <summary>The API clients among <paramref name="ids"/> whose token is neither revoked nor expired (and, for demo tokens, demo mode is on).</summary>
    public async Task<HashSet<Guid>> ApiClientsStandingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var standing = new HashSet<Guid>();
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var batch in ids.Chunk(Batch))
            standing.UnionWith(await ByIdsAsync<Guid>(connection, """
                SELECT id FROM api_clients
                WHERE id {0} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now) AND (is_demo = false OR @demoEnabled = true)
                """, batch, new { now, demoEnabled = demo.Enabled }));
        return standing;
    }
}
