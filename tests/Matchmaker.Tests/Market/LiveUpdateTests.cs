using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Matchmaker.Tests.Market;

/// <summary>Live availability through SignalR on real web processes: one node on SQLite, a three-node cluster on PostgreSQL and Redis.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LiveUpdateTests(ITestOutputHelper output, SharedNode oneNode, SharedCluster cluster) : IClassFixture<SharedNode>
{
    [Fact, Trait(Lane.Name, Lane.Integration)]
    public async Task OnOneNode_ACapacityChange_ReachesTheDeskClientWithItsVersion()
    {
        var (database, node) = await oneNode.StartAsync();

        var latency = await MeasureAsync(database, writeTo: node, listenOn: node);

        output.WriteLine($"single node (SQLite): capacity update to event at client, median of 5 after warm-up: {latency.TotalMilliseconds:0.0} ms");
    }

    [Fact, Trait(Lane.Name, Lane.Cluster)]
    public async Task OnThreeNodes_ACapacityChangeThroughNodeA_ReachesADeskConnectedToNodeC()
    {
        var (database, nodeA, _, nodeC) = await cluster.StartAsync();

        var latency = await MeasureAsync(database, writeTo: nodeA, listenOn: nodeC);

        output.WriteLine($"three nodes (PostgreSQL + Redis): capacity update on A to event at client on C, median of 5 after warm-up: {latency.TotalMilliseconds:0.0} ms");
    }

    [Fact, Trait(Lane.Name, Lane.Integration)]
    public async Task AClient_WithoutAValidToken_CannotConnectToTheHub()
    {
        var (_, node) = await oneNode.StartAsync();
        await using var stranger = DeskHub.Connect(node.BaseAddress, "mm_not_a_token");

        await Assert.ThrowsAnyAsync<Exception>(() => stranger.StartAsync());
    }

    [Fact, Trait(Lane.Name, Lane.Integration)]
    public async Task AnOpenSocket_WhoseTokenIsRevokedOrWhoseSessionEnded_IsClosed_AndTheOthersStay()
    {
        var (database, node) = await oneNode.StartAsync();
        var token = ApiTokens.NewToken();
        await database.ExecuteAsync("""
            INSERT INTO api_clients (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at)
            VALUES (@id, 'Regiosysteem', @hash, 'desk', @region, NULL, 'events:read', false, @now)
            """, new { id = Guid.NewGuid(), hash = ApiTokens.Hash(token), region = MarketScenario.Region, now = DateTimeOffset.UtcNow });
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = node.BaseAddress };
        var signedIn = await SignIn.AsDemoWithoutCookieJarAsync(http, MarketScenario.Region, Roles.Desk);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("matchmaker=", StringComparison.Ordinal));
        await using var system = DeskHub.Connect(node.BaseAddress, token);
        await using var person = new HubConnectionBuilder()
            .WithUrl(new Uri(node.BaseAddress, "/hubs/availability"), options =>
            {
                options.Headers["Cookie"] = cookie;
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            }).Build();
        await using var other = DeskHub.Connect(node.BaseAddress, DemoDataGenerator.DemoToken(Roles.Desk, MarketScenario.Region));
        var systemClosed = Closing(system);
        var personClosed = Closing(person);
        await system.StartListeningAsync();
        await person.StartListeningAsync();
        await other.StartListeningAsync();

        await database.ExecuteAsync("UPDATE api_clients SET revoked_at = @now WHERE token_hash = @hash", new { now = DateTimeOffset.UtcNow, hash = ApiTokens.Hash(token) });
        await systemClosed.WaitAsync(TimeSpan.FromSeconds(15));
        var personAfterRevoke = person.State;
        // The demo desk's role or password changed elsewhere: a new security stamp ends the session, and its socket.
        await database.ExecuteAsync("UPDATE users SET security_stamp = @stamp WHERE is_demo = true AND role = 'desk' AND region_code = @region",
            new { stamp = Guid.NewGuid().ToString("N"), region = MarketScenario.Region });
        await personClosed.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(HubConnectionState.Connected, personAfterRevoke);
        Assert.Equal(HubConnectionState.Connected, other.State);
        await Assert.ThrowsAnyAsync<Exception>(() => system.StartAsync());
    }

    [Fact, Trait(Lane.Name, Lane.Integration)]
    public async Task ASocketWhoseSessionCannotBeCheckedForTwoIntervals_IsClosed_AndTheNodeStays()
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        await using var node = await WebNode.StartAsync(database);
        await using var desk = DeskHub.Connect(node.BaseAddress, DemoDataGenerator.DemoToken(Roles.Desk, MarketScenario.Region));
        var closed = Closing(desk);
        await desk.StartListeningAsync();

        // The table the check reads is gone: every re-check fails, and no socket's session can be vouched for.
        await database.ExecuteAsync("ALTER TABLE api_clients RENAME TO api_clients_away");
        await closed.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.True(await node.PrintedAsync("whose sessions were not checked", TimeSpan.FromSeconds(5)), node.Output);
        Assert.False(node.HasExited);
    }

    private static Task Closing(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    [Fact, Trait(Lane.Name, Lane.Integration)]
    public async Task AChangeThatWasCommittedButNeverPushed_StillReachesTheDesk_FromTheChangeLog()
    {
        var (database, node) = await oneNode.StartAsync();
        var offeringId = Guid.NewGuid();
        await using var desk = DeskHub.Connect(node.BaseAddress, DemoDataGenerator.DemoToken(Roles.Desk, MarketScenario.Region));
        var events = desk.AvailabilityOf(offeringId);
        await desk.StartListeningAsync();

        // What a node leaves behind when it dies between its commit and its push: the change is in the log, and nobody told the nodes.
        var clock = Stopwatch.StartNew();
        await database.ExecuteAsync("""
            INSERT INTO outbox (region_code, provider_id, topic, aggregate_id, aggregate_version, payload, created_at)
            VALUES (NULL, NULL, 'availabilityChanged', @id, 7, @payload, @now)
            """, new
        {
            id = offeringId.ToString(), now = DateTimeOffset.UtcNow,
            payload = JsonSerializer.Serialize(new { offeringId, careType = "foster-long", freeUnits = 2, totalUnits = 3, version = 7 }),
        });
        var change = await events.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(7, change.GetProperty("version").GetInt64());
        output.WriteLine($"caught up from the change log after {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    private static async Task<TimeSpan> MeasureAsync(TestDatabase database, WebNode writeTo, WebNode listenOn)
    {
        using var provider = new HttpClient { BaseAddress = writeTo.BaseAddress };
        provider.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoDataGenerator.DemoToken(Roles.Provider, MarketScenario.Region));
        var offerings = await provider.GetFromJsonAsync<JsonElement>("/api/v1/offerings");
        var offering = offerings.EnumerateArray().First();
        var offeringId = offering.GetProperty("offeringId").GetGuid();
        var versionBefore = offering.GetProperty("version").GetInt64();

        await using var desk = DeskHub.Connect(listenOn.BaseAddress, DemoDataGenerator.DemoToken(Roles.Desk, MarketScenario.Region));
        var events = desk.AvailabilityOf(offeringId);
        await desk.StartListeningAsync();

        // The first change warms both nodes up; the next five are measured.
        var latencies = new List<TimeSpan>();
        var total = offering.GetProperty("totalUnits").GetInt32();
        var lastVersion = versionBefore;
        for (var i = 1; i <= 6; i++)
        {
            var clock = Stopwatch.StartNew();
            var update = await provider.PutAsJsonAsync($"/api/v1/offerings/{offeringId}/capacity",
                new { totalUnits = total + i, occupiedUnits = offering.GetProperty("occupiedUnits").GetInt32() });
            update.EnsureSuccessStatusCode();
            var change = await events.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            clock.Stop();
            Assert.True(change.GetProperty("version").GetInt64() > lastVersion, "versions only go up");
            Assert.Equal(offering.GetProperty("freeUnits").GetInt32() + i, change.GetProperty("freeUnits").GetInt32());
            lastVersion = change.GetProperty("version").GetInt64();
            if (i > 1) latencies.Add(clock.Elapsed);
        }
        return latencies.Order().ElementAt(latencies.Count / 2);
    }
}
