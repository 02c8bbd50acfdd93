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
    public async Task AWebhookUrl_MustBeHttps_OrHttpToLoopbackOnlyUnderTheTestAllowance()
    {
        var market = await markets.ForAsync("sqlite");

        var plain = await market.Provider.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://hooks.example/x" });
        var relative = await market.Provider.PostAsJsonAsync("/api/v1/webhooks", new { url = "/hook" });

        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal("webhook-url-not-allowed", (await plain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, relative.StatusCode);
        Assert.True((await relative.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("url", out _));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AReceiverThatDoesNotAnswer_ShowsOnlyGeenAntwoord_NotWhyTheConnectionFailed(string provider)
    {
        var market = await markets.ForAsync(provider);
        // A port nobody listens on: the connection is refused at once, which the subscriber must not be able to tell apart from a time-out.
        var closed = $"http://127.0.0.1:{WebNode.FreePort()}/hook";
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        (await market.Provider.PostAsJsonAsync("/api/v1/webhooks", new { url = closed })).EnsureSuccessStatusCode();

        (await market.Provider.PostAsync($"/api/v1/offerings/{offering.Id}/confirm", null)).EnsureSuccessStatusCode();
        var failing = await FirstFailureAsync(market.Provider);

        Assert.Equal(DeliveryError.NoAnswer, failing.GetProperty("lastError").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheEleventhSubscriptionOfAnOwner_IsRefused_AndAnotherOwnerIsNotAffected(string provider)
    {
        var market = await markets.ForAsync(provider);

        var created = new List<HttpStatusCode>();
        for (var i = 0; i < WebhookSubscriptions.MaxPerOwner; i++)
            created.Add((await market.Provider.PostAsJsonAsync("/api/v1/webhooks", new { url = $"https://hooks.example/{i}" })).StatusCode);
        var eleventh = await market.Provider.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example/11" });
        var others = await market.OtherProvider.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example/other" });

        Assert.All(created, status => Assert.Equal(HttpStatusCode.Created, status));
        Assert.Equal(HttpStatusCode.Conflict, eleventh.StatusCode);
        Assert.Equal("too-many-webhooks", (await eleventh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(WebhookSubscriptions.MaxPerOwner, (await market.Provider.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).GetArrayLength());
        Assert.Equal(HttpStatusCode.Created, others.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ASecret_IsStoredEncrypted_AndASecretStoredAsIssuedBefore_StillSigns_AndIsEncryptedAtItsNextDelivery(string provider)
    {
        var market = await markets.ForAsync(provider);
        await using var receiver = new HookReceiver();
        var created = await (await market.Desk.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example/stored" })).Content.ReadFromJsonAsync<JsonElement>();
        var stored = await market.ScalarAsync<string>("SELECT secret FROM webhook_subscriptions WHERE id = @id", new { id = created.GetProperty("id").GetGuid() });
        await market.OfferingWithFreeUnitsAsync(free: 1); // an event for the old subscription to be told of
        const string OldSecret = "whsec_stored-as-issued-before-encryption";
        var old = Guid.NewGuid();
        await market.ExecuteAsync("""
            INSERT INTO webhook_subscriptions (id, owner_id, role, region_code, organisation_id, url, secret, status, cursor, created_at)
            VALUES (@old, @old, 'desk', @region, NULL, @url, @secret, 'active', 0, @now)
            """, new { old, region = MarketScenario.Region, url = receiver.Url, secret = OldSecret, now = DateTimeOffset.UtcNow });

        var notification = await receiver.NextAsync(TimeSpan.FromSeconds(20));
        var after = OldSecret;
        for (var i = 0; i < 50 && after == OldSecret; i++)
        {
            // The dispatcher records the delivery just after the receiver answered.
            await Task.Delay(100);
            after = await market.ScalarAsync<string>("SELECT secret FROM webhook_subscriptions WHERE id = @old", new { old });
        }

        Assert.DoesNotContain(created.GetProperty("secret").GetString()!, stored);
        Assert.DoesNotContain(WebhookSignature.SecretPrefix, stored);
        Assert.True(WebhookSignature.Verify(OldSecret, notification.Timestamp, notification.Signature, notification.Body, DateTimeOffset.UtcNow));
        Assert.NotEqual(OldSecret, after);
        Assert.DoesNotContain(WebhookSignature.SecretPrefix, after);
    }

    /// <summary>The caller's first subscription once the dispatcher has recorded a failed delivery.</summary>
    private static async Task<JsonElement> FirstFailureAsync(HttpClient system)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var first = (await system.GetFromJsonAsync<JsonElement>("/api/v1/webhooks"))[0];
        while (first.GetProperty("failures").GetInt32() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            first = (await system.GetFromJsonAsync<JsonElement>("/api/v1/webhooks"))[0];
        }
        Assert.True(first.GetProperty("failures").GetInt32() > 0, $"no failure recorded: {first}");
        return first;
    }
}
