using System.Text.Json;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.SignalR.Client;

namespace Matchmaker.Tests.Operations;

/// <summary>
/// A node lives through a change in its change log that cannot be read: the live feed leaves that one change out, logs
/// it, and still brings the changes after it; the node keeps serving. Dapper wraps whatever fails while a row is read in
/// a DataException, which the feed once let through, and the host then stopped the whole node.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class PassingDatabaseFailureTests
{
    [Fact]
    public async Task AChangeInTheLogThatCannotBeRead_IsLeftOutAndLogged_TheChangesAfterItStillArrive_AndTheNodeKeepsServing()
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        await using var node = await WebNode.StartAsync(database);
        var offeringId = Guid.NewGuid();
        await using var desk = DeskHub.Connect(node.BaseAddress, DemoDataGenerator.DemoToken(Roles.Desk, MarketScenario.Region));
        var events = desk.AvailabilityOf(offeringId);
        await desk.StartListeningAsync();

        // No push brings these changes, so the node reads them back from the log: the first names a provider that is no id.
        await database.ExecuteAsync("""
            INSERT INTO outbox (region_code, provider_id, topic, aggregate_id, aggregate_version, payload, created_at)
            VALUES ('rijnmond', 'not-an-id', 'availabilityChanged', 'unreadable', 1, '{}', '2026-12-05T00:00:00.000000Z')
            """);
        await database.ExecuteAsync("""
            INSERT INTO outbox (region_code, provider_id, topic, aggregate_id, aggregate_version, payload, created_at)
            VALUES (NULL, NULL, 'availabilityChanged', @id, 7, @payload, @now)
            """, new
        {
            id = offeringId.ToString(), now = DateTimeOffset.UtcNow,
            payload = JsonSerializer.Serialize(new { offeringId, careType = "foster-long", freeUnits = 2, totalUnits = 3, version = 7 }),
        });
        var arrived = events.ReadAsync().AsTask();
        await Task.WhenAny(arrived, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.True(arrived.IsCompletedSuccessfully, node.Output);
        var change = await arrived;

        Assert.Equal(7, change.GetProperty("version").GetInt64());
        Assert.True(await node.PrintedAsync("cannot be read; left out", TimeSpan.FromSeconds(5)), node.Output);
        Assert.False(node.HasExited, node.Output);
        using var client = new HttpClient { BaseAddress = node.BaseAddress };
        Assert.True((await client.GetAsync("/readyz")).IsSuccessStatusCode);
    }
}
