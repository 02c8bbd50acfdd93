using System.Text;
using System.Text.Json;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Matchmaker.Silo.Webhooks;

public interface IWebhookDispatcherGrain : IGrainWithIntegerKey, IRemindable
{
    /// <summary>Makes sure deliveries run: a reminder brings the dispatcher back wherever it lives.</summary>
    Task Start();

    /// <summary>Notifies every active subscription that is due and has new events; returns how many were notified.</summary>
    Task<int> DeliverDue();
}

/// <summary>
/// The HTTP client that posts notifications: 5 s time-out, no redirects followed (a redirect could point anywhere), no
/// proxy (the proxy would resolve the name, past the check), and a connect step that resolves the host, refuses an
/// address that is not allowed and connects to the checked address (<see cref="WebhookDestinations.ConnectAsync"/>).
/// </summary>
public sealed class WebhookSender(WebhookDestinations destinations)
{
    public WebhookDestinations Destinations => destinations;

    public HttpClient Http { get; } = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectCallback = destinations.ConnectAsync,
    }) { Timeout = TimeSpan.FromSeconds(5) };
}

/// <summary>
/// What a subscriber is told of a failed delivery: coarse on purpose. Connection refused, reset, TLS and time-out all
/// read "geen antwoord", so lastError cannot be used to scan ports or tell hosts apart.
/// </summary>
public static class DeliveryError
{
    public const string NoAnswer = "geen antwoord";
    public const string AddressNotAllowed = "adres niet toegestaan";
    public const string SecretUnreadable = "geheim niet leesbaar";

    public static string Status(int status) => $"HTTP {status}";
}

/// <summary>
/// One dispatcher for the cluster (key 0) with a timer (<c>Engine:WebhookSeconds</c>, default 2): for each due
/// subscription it looks for events after the subscription's cursor and posts a small signed notification (no personal
/// data: ids of the subscription and the cursors). Success moves the cursor; a failure waits 2, 4, 8 … up to 3,600 s
/// and is shown to the subscriber.
/// </summary>
public sealed class WebhookDispatcherGrain(Database database, WebhookSender sender, WebhookSecrets secrets, TimeProvider clock,
    IConfiguration configuration, ILogger<WebhookDispatcherGrain> logger) : Grain, IWebhookDispatcherGrain
{
    private sealed class Subscription
    {
        public Guid Id { get; init; }
        public string Role { get; init; } = "";
        public string? RegionCode { get; init; }
        public Guid? OrganisationId { get; init; }
        public string Url { get; init; } = "";
        public string Secret { get; init; } = "";
        public long Cursor { get; init; }
        public int Failures { get; init; }
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromSeconds(configuration.GetValue("Engine:WebhookSeconds", 2.0));
        this.RegisterGrainTimer(async () => await DeliverDue(), new GrainTimerCreationOptions(every, every) { KeepAlive = true, Interleave = false });
        return Task.CompletedTask;
    }

    public Task Start() => this.RegisterOrUpdateReminder("wake", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    public async Task<int> DeliverDue()
    {
        List<Subscription> due;
        await using (var connection = await database.OpenAsync())
            due = (await connection.QueryAsync<Subscription>("""
                SELECT id AS Id, role AS Role, region_code AS RegionCode, organisation_id AS OrganisationId, url AS Url, secret AS Secret,
                       cursor AS Cursor, failures AS Failures
                FROM webhook_subscriptions
                WHERE status = 'active' AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
                ORDER BY id LIMIT 200
                """, new { now = clock.GetUtcNow() })).ToList();
        var delivered = await Task.WhenAll(due.Select(DeliverAsync));
        return delivered.Count(d => d);
    }

    private async Task<bool> DeliverAsync(Subscription subscription)
    {
        long? latest;
        await using (var connection = await database.OpenAsync())
            latest = await connection.ExecuteScalarAsync<long?>(
                $"SELECT max(id) FROM outbox WHERE id > @cursor AND {EventScope.Where(subscription.Role == Roles.Provider)}",
                new { cursor = subscription.Cursor, organisation = subscription.OrganisationId, region = subscription.RegionCode });
        if (latest is null) return false;

        var body = JsonSerializer.Serialize(new
        {
            subscriptionId = subscription.Id, after = subscription.Cursor, latest,
            events = $"/api/v1/events?after={subscription.Cursor}",
        }, Journal.EventJson);
        var error = await SendAsync(subscription, latest.Value, body);
        await RecordAsync(subscription, latest.Value, error);
        return error is null;
    }

    /// <summary>Posts the notification; null when it was taken, else the coarse error (<see cref="DeliveryError"/>).</summary>
    private async Task<string?> SendAsync(Subscription subscription, long latest, string body)
    {
        // A URL stored before the check (or under a setting since removed) is judged again here.
        if (sender.Destinations.Parse(subscription.Url) is not { } url) return DeliveryError.AddressNotAllowed;
        if (secrets.Reveal(subscription.Secret) is not { } secret)
        {
            logger.LogError("Webhook {Subscription}: its secret cannot be read with this node's data-protection keys; is the key ring shared?", subscription.Id);
            return DeliveryError.SecretUnreadable;
        }
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.IdHeader, $"{subscription.Id}:{latest}");
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString());
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        try
        {
            using var response = await sender.Http.SendAsync(request);
            return response.IsSuccessStatusCode ? null : DeliveryError.Status((int)response.StatusCode);
        }
        catch (HttpRequestException e) when (Refused(e))
        {
            return DeliveryError.AddressNotAllowed;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The detail stays in the node's log, for the operator; the subscriber learns only that nothing answered.
            logger.LogDebug(e, "Webhook {Subscription}: no answer", subscription.Id);
            return DeliveryError.NoAnswer;
        }
    }

    private static bool Refused(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is WebhookDestinations.AddressRefusedException) return true;
        return false;
    }

    private async Task RecordAsync(Subscription subscription, long latest, string? error)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        if (error is null)
            await connection.ExecuteAsync("""
                UPDATE webhook_subscriptions SET cursor = @latest, failures = 0, last_attempt_at = @now, last_success_at = @now, last_error = NULL,
                       next_attempt_at = NULL
                WHERE id = @id AND cursor = @cursor
                """, new { id = subscription.Id, cursor = subscription.Cursor, latest, now }, transaction);
        else
        {
            var failures = subscription.Failures + 1;
            await connection.ExecuteAsync("""
                UPDATE webhook_subscriptions SET failures = @failures, last_attempt_at = @now, last_error = @error, next_attempt_at = @next
                WHERE id = @id AND cursor = @cursor
                """, new { id = subscription.Id, cursor = subscription.Cursor, failures, now, error, next = now.AddSeconds(Math.Min(3600, Math.Pow(2, failures))) },
                transaction);
            logger.LogInformation("Webhook {Subscription} failed ({Failures} in a row): {Error}", subscription.Id, failures, error);
        }
        if (WebhookSecrets.IsPlain(subscription.Secret))
            // A row from before secrets were encrypted: encrypted now, once (the compare keeps a newer value).
            await connection.ExecuteAsync("UPDATE webhook_subscriptions SET secret = @encrypted WHERE id = @id AND secret = @plain",
                new { id = subscription.Id, encrypted = secrets.Protect(subscription.Secret), plain = subscription.Secret }, transaction);
        await transaction.CommitAsync();
    }
}
