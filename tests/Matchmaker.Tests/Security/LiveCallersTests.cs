using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Security;

/// <summary>The question a node asks for all its open sockets at once (<see cref="LiveCallers"/>), on both databases.</summary>
public sealed class LiveCallersTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task OnlyUsersAndTokensThatStillCount_AreNamed_AndDemoCallersOnlyInDemoMode(string provider)
    {
        await using var database = await TestDatabase.CreateSeededAsync(provider);
        var users = (await database.QueryAsync<Guid>("SELECT id FROM users WHERE is_demo = true ORDER BY id")).Take(3).ToArray();
        var clients = (await database.QueryAsync<Guid>("SELECT id FROM api_clients WHERE is_demo = true ORDER BY id")).Take(3).ToArray();
        await database.ExecuteAsync("UPDATE users SET disabled_at = @now WHERE id = @id", new { now = DateTimeOffset.UtcNow, id = users[1] });
        await database.ExecuteAsync("UPDATE api_clients SET revoked_at = @now WHERE id = @id", new { now = DateTimeOffset.UtcNow, id = clients[1] });
        await database.ExecuteAsync("UPDATE api_clients SET expires_at = @past WHERE id = @id", new { past = DateTimeOffset.UtcNow.AddMinutes(-1), id = clients[2] });
        // Organisation sessions of one person: running, ended at the provider (a back-channel logout), past their fixed end.
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, ends, ended) in new[] { ("loopt", now.AddHours(1), (DateTimeOffset?)null), ("beeindigd", now.AddHours(1), now), ("verlopen", now.AddMinutes(-1), null) })
            await database.ExecuteAsync("""
                INSERT INTO organisation_sessions (id, user_id, region_code, provider, subject, started_at, ends_at, checked_at, next_check_at, ended_at)
                VALUES (@id, @user, NULL, 'idp', 'medewerker', @started, @ends, @started, @ends, @ended)
                """, new { id, user = users[0], started = now.AddHours(-1), ends, ended });
        var stranger = Guid.NewGuid();
        var demo = new LiveCallers(database.Database, new DemoOptions(true), TimeProvider.System);
        var production = new LiveCallers(database.Database, new DemoOptions(false), TimeProvider.System);

        var usersStanding = await demo.UsersStandingAsync([.. users, stranger], CancellationToken.None);
        var clientsStanding = await demo.ApiClientsStandingAsync([.. clients, stranger], CancellationToken.None);
        var stamp = await database.ScalarAsync<string>("SELECT security_stamp FROM users WHERE id = @id", new { id = users[0] });

        Assert.Equal(new[] { users[0], users[2] }.Order(), usersStanding.Keys.Order());
        Assert.Equal(stamp, usersStanding[users[0]]);
        Assert.Equal([clients[0]], clientsStanding);
        Assert.Empty(await production.UsersStandingAsync(users, CancellationToken.None));
        Assert.Empty(await production.ApiClientsStandingAsync(clients, CancellationToken.None));
        Assert.Equal(["loopt"], await demo.OrganisationSessionsStandingAsync(["loopt", "beeindigd", "verlopen", "geen-sessie"], CancellationToken.None));
    }
}
