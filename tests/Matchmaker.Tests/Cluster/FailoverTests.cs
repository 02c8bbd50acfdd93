using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Xunit.Abstractions;

namespace Matchmaker.Tests.Cluster;

[Trait(Lane.Name, Lane.Cluster)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KillingTheNodeOfAHotOfferingUnderLoad_LosesNoAcknowledgedHold_TheOfferingAnswersAgainWithinFiveSeconds_AndItsHoldsStillExpire()
    {
        await using var database = await TestDatabase.CreateSeededAsync("postgres");
        var cluster = TestRedis.ClusterSettings(TestRedis.NewClusterId());
        // A starts first: the regions' grains wake up there, and the hot offering is first called (so placed) there.
        await using var a = await WebNode.StartAsync(database, cluster);
        await using var b = await WebNode.StartAsync(database, cluster);
        await using var c = await WebNode.StartAsync(database, cluster);
        await using var onA = MarketScenario.On(database, a);
        await using var onB = MarketScenario.On(database, b);
        await using var onC = MarketScenario.On(database, c);
        var offering = await onA.OfferingWithFreeUnitsAsync(free: 400);
        var children = new ConcurrentQueue<Guid>();
        for (var i = 0; i < 120; i++) children.Enqueue(await onB.RegisterAsync(MarketScenario.ChildFor(offering, $"FAIL-{i:000}")));
        children.TryDequeue(out var first);
        var expiring = await HoldAsync(onB.Desk, offering.Id, first, Guid.NewGuid().ToString());
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(6);
        await onB.ExecuteAsync("UPDATE holds SET expires_at = @expiresAt WHERE id = @expiring", new { expiresAt, expiring });

        var acknowledged = new ConcurrentBag<(Guid HoldId, DateTime At)>();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var desk = w % 2 == 0 ? onB.Desk : onC.Desk;
            while (children.TryDequeue(out var child))
            {
                var holdId = await HoldAsync(desk, offering.Id, child, Guid.NewGuid().ToString());
                if (holdId is { } id) acknowledged.Add((id, DateTime.UtcNow));
                await Task.Delay(50);
            }
        })).ToList();
        while (acknowledged.Count < 20) await Task.Delay(20);
        var killed = DateTime.UtcNow;
        await a.KillAsync();
        await Task.WhenAll(workers);

        var firstAfterKill = acknowledged.Where(h => h.At > killed).Min(h => (DateTime?)h.At);
        output.WriteLine($"{acknowledged.Count} holds acknowledged, {_retries} sent again; node A killed at {killed:HH:mm:ss.fff}; " +
            $"first hold after the kill {(firstAfterKill - killed)?.TotalSeconds:0.00} s later");
        foreach (var (holdId, _) in acknowledged)
            Assert.Equal("active", await onB.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId }));
        Assert.NotNull(firstAfterKill);
        Assert.True(firstAfterKill - killed < TimeSpan.FromSeconds(5), $"the offering took holds again only after {(firstAfterKill - killed)?.TotalSeconds:0.0} s");
        var status = await RestartTests.PollAsync(() => onB.ScalarAsync<string>("SELECT status FROM holds WHERE id = @expiring", new { expiring }),
            "expired", expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(15));
        Assert.Equal("expired", status);
        var facts = await onB.FactsAsync(offering.Id);
        Assert.Equal(facts.HeldUnits, await onB.ScalarAsync<long>("SELECT count(*) FROM holds WHERE offering_id = @Id AND status = 'active'", new { offering.Id }));
        Assert.Equal(offering.HeldUnits + acknowledged.Count, facts.HeldUnits);
    }

    private int _retries;

    /// <summary>A desk's hold with an idempotency key, sent again (same key) after a failure until it is answered: the hold id, or null when refused.</summary>
    private async Task<Guid?> HoldAsync(HttpClient desk, Guid offeringId, Guid requestId, string key)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/offerings/{offeringId}/holds") { Content = JsonContent.Create(new { requestId }) };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await desk.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Created)
                    return (await response.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
                if ((int)response.StatusCode < 500) return null;
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException e)
            {
                // the node did not answer: send it again
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {e.Message}");
            }
            Interlocked.Increment(ref _retries);
            await Task.Delay(100);
        }
        throw new TimeoutException($"The hold for {requestId} was never answered.");
    }
}
