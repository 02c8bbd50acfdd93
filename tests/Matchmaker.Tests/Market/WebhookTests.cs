using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Silo.Webhooks;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>A provider's system is told, by a signed notification without personal data, that there is something to pull.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed class WebhookTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AProposal_ReachesTheProvidersReceiver_SignedAndWithoutPersonalData_AndTheEventsArePulledByItsCursor(string provider)
    {
        var market = await markets.ForAsync(provider);
        await using var receiver = new HookReceiver();
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var created = await (await market.Provider.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url })).Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("secret").GetString()!;
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "HOOK-0001"));

        (await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId })).EnsureSuccessStatusCode();
        var notification = await receiver.NextAsync(TimeSpan.FromSeconds(20));
        var body = JsonDocument.Parse(notification.Body).RootElement;
        var events = await market.Provider.GetFromJsonAsync<JsonElement>(body.GetProperty("events").GetString()!);
        var tampered = notification.Body.Replace("\"latest\":", "\"latest\":1");
        var replayedAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(notification.Timestamp!)).AddMinutes(10);
        var list = await market.Provider.GetFromJsonAsync<JsonElement>("/api/v1/webhooks");
        for (var i = 0; i < 50 && list[0].GetProperty("cursor").GetInt64() != body.GetProperty("latest").GetInt64(); i++)
        {
            // The dispatcher records the delivery just after the receiver answered.
            await Task.Delay(100);
            list = await market.Provider.GetFromJsonAsync<JsonElement>("/api/v1/webhooks");
        }

        Assert.True(WebhookSignature.Verify(secret, notification.Timestamp, notification.Signature, notification.Body, DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify(secret, notification.Timestamp, notification.Signature, tampered, DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify(secret, notification.Timestamp, notification.Signature, notification.Body, replayedAt));
        Assert.DoesNotContain(requestId.ToString(), notification.Body);
        Assert.DoesNotContain("HOOK-0001", notification.Body);
        Assert.Contains(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("topic").GetString() == "proposalReceived");
        Assert.Equal(body.GetProperty("latest").GetInt64(), list[0].GetProperty("cursor").GetInt64());
        Assert.False(list[0].TryGetProperty("secret", out _));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AReceiverThatFails_IsTriedAgainLaterEachTime_ShowsAsFailing_AndCanBePausedAndDeleted(string provider)
    {
        var market = await markets.ForAsync(provider);
        await using var receiver = new HookReceiver { Answer = HttpStatusCode.InternalServerError };
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var created = await (await market.Provider.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url })).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();

        (await market.Provider.PostAsync($"/api/v1/offerings/{offering.Id}/confirm", null)).EnsureSuccessStatusCode();
        await receiver.NextAsync(TimeSpan.FromSeconds(20));
        await receiver.NextAsync(TimeSpan.FromSeconds(20));
        var failing = (await market.Provider.GetFromJsonAsync<JsonElement>("/api/v1/webhooks"))[0];
        for (var i = 0; i < 50 && failing.GetProperty("failures").GetInt32() < 2; i++)
        {
            // The dispatcher records a failure just after the receiver answered.
            await Task.Delay(100);
            failing = (await market.Provider.GetFromJsonAsync<JsonElement>("/api/v1/webhooks"))[0];
        }
        var paused = await market.Provider.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { status = "paused" });
        var deleted = await market.Provider.DeleteAsync($"/api/v1/webhooks/{id}");
        var othersDelete = await market.OtherProvider.DeleteAsync($"/api/v1/webhooks/{id}");

        Assert.True(failing.GetProperty("failures").GetInt32() >= 2, failing.ToString());
        Assert.Equal("HTTP 500", failing.GetProperty("lastError").GetString());
        Assert.True(failing.GetProperty("nextAttemptAt").GetDateTimeOffset() > failing.GetProperty("lastAttemptAt").GetDateTimeOffset());
        Assert.Equal("paused", (await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, othersDelete.StatusCode);
        Assert.Equal(0, (await market.Provider.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).GetArrayLength());
    }

    [Fact]
    public async Task AWebhookUrl_MustBeHttps_OrHttpToThisMachine()
    {
        var market = await markets.ForAsync("sqlite");

        var plain = await market.Provider.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://hooks.example/x" });
        var relative = await market.Provider.PostAsJsonAsync("/api/v1/webhooks", new { url = "/hook" });

        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, relative.StatusCode);
    }
}
