using System.Net;
using System.Net.Http.Headers;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Foundation;

/// <summary>A demo database seeded before an operation existed still lets the demo systems call it after a restart.</summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class DemoScopeTests
{
    [Fact]
    public async Task DemoTokensOfAnOlderDemoDatabase_GetTheScopesOfToday_AtStartUp()
    {
        // The demo database as a first start left it; then an older version's scopes.
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        await database.ExecuteAsync("UPDATE api_clients SET scopes = 'requests:write matching:run holds:write' WHERE is_demo = true AND role = 'desk'");

        await using var again = new MatchmakerWebFactory(database);
        var desk = again.CreateClient();
        desk.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoDataGenerator.DemoToken("desk", "rijnmond"));
        var events = await desk.GetAsync("/api/v1/events?after=0");

        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Equal(DemoDataGenerator.DeskSystemScopes, await database.ScalarAsync<string>(
            "SELECT scopes FROM api_clients WHERE is_demo = true AND role = 'desk' AND region_code = 'rijnmond'"));
    }
}
