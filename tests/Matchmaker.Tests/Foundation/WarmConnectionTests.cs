using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Tests.Infrastructure;
using Npgsql;

namespace Matchmaker.Tests.Foundation;

/// <summary>
/// On PostgreSQL a node opens its connections from a few warm ones while one is free, and from the rest of
/// <c>Maximum Pool Size</c> only beyond that (<c>PostgresPools</c>): after a burst, a quiet node does not spread its
/// statements over every connection the burst opened.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class WarmConnectionTests : IAsyncLifetime
{
    private TestDatabase _server = null!;

    public async Task InitializeAsync() => _server = await TestDatabase.CreateAsync("postgres");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Database Pools(int maximum, int warm) =>
        Database.ForPostgres(new NpgsqlConnectionStringBuilder(_server.ConnectionString) { MaxPoolSize = maximum }.ConnectionString, warm);

    private static async Task<int> BackendOfAsync(System.Data.Common.DbConnection connection) =>
        await connection.ExecuteScalarAsync<int>("SELECT pg_backend_pid()");

    /// <summary><paramref name="count"/> connections open at once, in the order opened, with their server processes.</summary>
    private static async Task<(List<System.Data.Common.DbConnection> Open, List<int> Backends)> OpenAtOnceAsync(Database database, int count)
    {
        var open = new List<System.Data.Common.DbConnection>();
        for (var i = 0; i < count; i++) open.Add(await database.OpenAsync());
        var backends = new List<int>();
        foreach (var connection in open) backends.Add(await BackendOfAsync(connection));
        return (open, backends);
    }

    /// <summary>Twelve connections open at once, then thirty one at a time: the server processes each part saw, in order.</summary>
    private static async Task<(List<int> Burst, HashSet<int> Quiet)> BurstThenQuietAsync(Database database)
    {
        var (burst, burstBackends) = await OpenAtOnceAsync(database, 12);
        foreach (var connection in burst) await connection.DisposeAsync();

        var quietBackends = new HashSet<int>();
        for (var i = 0; i < 30; i++)
        {
            await using var connection = await database.OpenAsync();
            quietBackends.Add(await BackendOfAsync(connection));
        }
        return (burstBackends, quietBackends);
    }

    [Fact]
    public async Task AfterABurstOfTwelve_OneCallerAtATime_IsServedByTheThreeWarmConnectionsOnly()
    {
        await using var database = Pools(maximum: 20, warm: 3);

        var (burst, quiet) = await BurstThenQuietAsync(database);

        Assert.Equal(12, burst.Distinct().Count());
        Assert.InRange(quiet.Count, 1, 3);
        Assert.Subset(burst.Take(3).ToHashSet(), quiet);
    }

    [Fact]
    public async Task WarmConnectionsThatBroke_AreGivenBack_SoTheWarmOnesStillServeAQuietNode()
    {
        await using var database = Pools(maximum: 20, warm: 3);
        var (warm, backends) = await OpenAtOnceAsync(database, 3);
        await using (var admin = new NpgsqlConnection(_server.ConnectionString))
            foreach (var backend in backends)
                await admin.ExecuteAsync("SELECT pg_terminate_backend(@backend)", new { backend });
        foreach (var connection in warm)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => BackendOfAsync(connection));
            await connection.DisposeAsync();
        }

        var (burst, quiet) = await BurstThenQuietAsync(database);

        Assert.InRange(quiet.Count, 1, 3);
        Assert.Subset(burst.Take(3).ToHashSet(), quiet);
        Assert.Empty(quiet.Intersect(backends));
    }

    [Fact]
    public async Task BeyondTheWarmConnections_CallersGetTheRest_AndTheMaximumPoolSizeStillHolds()
    {
        await using var database = Pools(maximum: 5, warm: 2);
        var (open, backends) = await OpenAtOnceAsync(database, 5);

        using (var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => database.OpenAsync(shortWait.Token));
        await open[0].DisposeAsync();
        using (var longWait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        await using (var sixth = await database.OpenAsync(longWait.Token))
            Assert.Equal(1, await sixth.ExecuteScalarAsync<int>("SELECT 1"));
        foreach (var connection in open.Skip(1)) await connection.DisposeAsync();

        Assert.Equal(5, backends.Distinct().Count());
    }

    [Fact]
    public async Task WithAsManyWarmConnectionsAsTheMaximum_ThereIsOnePool_AndACallerBeyondItWaits()
    {
        await using var database = Pools(maximum: 2, warm: 8);
        await using var first = await database.OpenAsync();
        await using var second = await database.OpenAsync();

        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => database.OpenAsync(shortWait.Token));
        Assert.NotEqual(await BackendOfAsync(first), await BackendOfAsync(second));
    }
}
