using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Webhooks;

/// <summary>
/// Webhook subscriptions: a URL that gets a small signed notification when there are events for it to pull
/// (<see cref="WebhookSignature"/>). A subscription belongs to the provider's organisation or the desk's region: its
/// people and systems see and change it, nobody else. Every change is audited. The URL is judged by
/// <see cref="WebhookDestinations"/>; an owner has at most <see cref="MaxPerOwner"/> subscriptions; the secret is kept
/// encrypted with the host's data-protection key ring (<see cref="WebhookSecrets"/>).
/// </summary>
public sealed class WebhookSubscriptions(Database database, Journal journal, TimeProvider clock, WebhookDestinations destinations,
    WebhookSecrets secrets)
{
    /// <summary>Enough for a system and its test twin per purpose; more would let one token fan out probes or load.</summary>
    public const int MaxPerOwner = 10;

    private const string Owned = """
        ((@role = 'provider' AND role = 'provider' AND organisation_id = @organisation) OR (@role = 'desk' AND role = 'desk' AND region_code = @region))
        """;
    public sealed class Subscription
    {
        public Guid Id { get; init; }
        public string Url { get; init; } = "";
        public string Status { get; init; } = "";
        public long Cursor { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public int Failures { get; init; }
        public DateTimeOffset? LastAttemptAt { get; init; }
        public DateTimeOffset? LastSuccessAt { get; init; }
        public string? LastError { get; init; }
        public DateTimeOffset? NextAttemptAt { get; init; }
    }

    public sealed record Created(Guid Id, string Url, string Status, string Secret);

    private const string SelectSubscription = """
        SELECT id AS Id, url AS Url, status AS Status, cursor AS Cursor, created_at AS CreatedAt, failures AS Failures,
               last_attempt_at AS LastAttemptAt, last_success_at AS LastSuccessAt, last_error AS LastError, next_attempt_at AS NextAttemptAt
        FROM webhook_subscriptions
        """;

    /// <summary>A new subscription from now on (its cursor is the owner's newest event); the secret is in this answer only.</summary>
    public async Task<Created> CreateAsync(Actor owner, string? url, CancellationToken cancellationToken = default)
    {
        // Judged before the writer's turn is taken: it may wait for DNS.
        url = (await destinations.JudgeAsync(url, cancellationToken)).OriginalString;
        var id = Guid.NewGuid();
        var secret = WebhookSignature.NewSecret();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        if (database.Provider == DatabaseProvider.Postgres)
            // Two creations by one owner at once take turns here, so both cannot pass the count below (SQLite has one writer anyway).
            await connection.ExecuteAsync(owner.Role == Roles.Provider
                ? "SELECT id FROM organisations WHERE id = @organisation FOR UPDATE"
                : "SELECT code FROM regions WHERE code = @region FOR UPDATE", new { organisation = owner.OrganisationId, region = owner.RegionCode }, transaction);
        var owned = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM webhook_subscriptions WHERE {Owned}",
            new { role = owner.Role, organisation = owner.OrganisationId, region = owner.RegionCode }, transaction);
        if (owned >= MaxPerOwner)
            throw new MarketRuleException(RuleCode.TooManyWebhooks, $"You have {MaxPerOwner} webhook subscriptions, the most allowed; delete one first.");
        var cursor = await connection.ExecuteScalarAsync<long?>($"SELECT max(id) FROM outbox WHERE {EventScope.Where(owner.Role == Roles.Provider)}",
            new { organisation = owner.OrganisationId, region = owner.RegionCode }, transaction) ?? 0;
        await connection.ExecuteAsync("""
            INSERT INTO webhook_subscriptions (id, owner_id, role, region_code, organisation_id, url, secret, status, cursor, created_at)
            VALUES (@id, @owner, @role, @region, @organisation, @url, @secret, 'active', @cursor, @now)
            """, new { id, owner = owner.Id, role = owner.Role, region = owner.RegionCode, organisation = owner.OrganisationId, url,
            secret = secrets.Protect(secret), cursor,
            now = clock.GetUtcNow() }, transaction);
        await journal.AuditAsync(connection, transaction, owner, "webhook-created", "webhook", id.ToString(), owner.RegionCode, url);
        await transaction.CommitAsync();
        return new Created(id, url, "active", secret);
    }

    public async Task<List<Subscription>> ListAsync(Actor owner)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Subscription>(SelectSubscription + $" WHERE {Owned} ORDER BY created_at, id",
            new { role = owner.Role, organisation = owner.OrganisationId, region = owner.RegionCode })).ToList();
    }

    /// <summary>Pauses or resumes the owner's subscription; null when it is not theirs.</summary>
    public async Task<Subscription?> SetStatusAsync(Actor owner, Guid webhookId, string status)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var changed = await connection.ExecuteAsync($"""
            UPDATE webhook_subscriptions SET status = @status, next_attempt_at = NULL WHERE id = @webhookId AND {Owned}
            """, new { webhookId, role = owner.Role, organisation = owner.OrganisationId, region = owner.RegionCode, status }, transaction);
        if (changed == 0) return null;
        await journal.AuditAsync(connection, transaction, owner, $"webhook-{status}", "webhook", webhookId.ToString(), owner.RegionCode);
        await transaction.CommitAsync();
        return await connection.QuerySingleAsync<Subscription>(SelectSubscription + " WHERE id = @webhookId", new { webhookId });
    }

    /// <summary>Deletes the owner's subscription; false when it is not theirs.</summary>
    public async Task<bool> DeleteAsync(Actor owner, Guid webhookId)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        if (await connection.ExecuteAsync($"DELETE FROM webhook_subscriptions WHERE id = @webhookId AND {Owned}",
                new { webhookId, role = owner.Role, organisation = owner.OrganisationId, region = owner.RegionCode }, transaction) == 0)
            return false;
        await journal.AuditAsync(connection, transaction, owner, "webhook-deleted", "webhook", webhookId.ToString(), owner.RegionCode);
        await transaction.CommitAsync();
        return true;
    }
}
