using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Operations;

/// <summary>
/// A node's background loops live through a failed read of the database: they log it and try again, and the node keeps
/// serving. Dapper wraps whatever fails while a row is read (a connection lost in the middle of a row, a value that does
/// not convert) in a DataException, which the loops once let through, and the host then stopped the whole node.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class PassingDatabaseFailureTests
{
    [Fact]
    public async Task AChangeInTheLogThatCannotBeRead_IsLogged_AndTheNodeKeepsServing()
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        await using var node = await WebNode.StartAsync(database);

        // No push brings this change, so the node's live feed reads it back from the log, and its provider is no id.
        await database.ExecuteAsync("""
            INSERT INTO outbox (region_code, provider_id, topic, aggregate_id, aggregate_version, payload, created_at)
            VALUES ('rijnmond', 'not-an-id', 'availabilityChanged', 'unreadable', 1, '{}', '2026-12-05T00:00:00.000000Z')
            """);

        Assert.True(await node.PrintedAsync("Live feed: could not subscribe or catch up; trying again", TimeSpan.FromSeconds(20)), node.Output);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(node.HasExited, node.Output);
        using var client = new HttpClient { BaseAddress = node.BaseAddress };
        Assert.True((await client.GetAsync("/readyz")).IsSuccessStatusCode);
    }
}
