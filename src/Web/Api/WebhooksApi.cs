using Dapper;
using FluentValidation;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Webhooks;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// A system's webhook subscriptions: a URL that gets a small signed notification when there are events for it to pull
/// (<see cref="WebhookSignature"/>). The secret is shown once, at creation. A subscription belongs to the provider's
/// organisation or the desk's region: its people and systems see and change it, nobody else.
/// </summary>
public static class WebhooksApi
{
    private const string Owned = """
        ((@role = 'provider' AND role = 'provider' AND organisation_id = @organisation) OR (@role = 'desk' AND role = 'desk' AND region_code = @region))
        """;
    public sealed record SubscriptionInput(string? Url);

    public sealed record StatusInput(string? Status);

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

    public sealed class SubscriptionInputValidator : AbstractValidator<SubscriptionInput>
    {
        public SubscriptionInputValidator() =>
            RuleFor(x => x.Url).NotEmpty().WithMessage("url is required.")
                .MaximumLength(2000).WithMessage("url is at most 2000 characters.")
                .Must(IsAllowed).When(x => !string.IsNullOrEmpty(x.Url), ApplyConditionTo.CurrentValidator)
                .WithMessage("url is an absolute https URL (http only to this machine: localhost, 127.0.0.1, [::1]).");

        private static bool IsAllowed(string? url) =>
            Uri.TryCreate(url, UriKind.Absolute, out var uri) && string.IsNullOrEmpty(uri.UserInfo)
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
    }

    public sealed class StatusInputValidator : AbstractValidator<StatusInput>
    {
        public StatusInputValidator() =>
            RuleFor(x => x.Status).Must(s => s is "active" or "paused").WithMessage("status is active or paused.");
    }

    private const string SelectSubscription = """
        SELECT id AS Id, url AS Url, status AS Status, cursor AS Cursor, created_at AS CreatedAt, failures AS Failures,
               last_attempt_at AS LastAttemptAt, last_success_at AS LastSuccessAt, last_error AS LastError, next_attempt_at AS NextAttemptAt
        FROM webhook_subscriptions
        """;

    public static void MapWebhooksApi(this RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/webhooks").RequireAuthorization(Policies.DeskOrProvider).RequireScope(Scopes.EventsRead);
        hooks.MapPost("", CreateAsync).Validate(new SubscriptionInputValidator())
            .Describe("createWebhook", "Registers a URL that gets a signed notification (HMAC-SHA256, see docs/integration.md) when events after its cursor exist; pull them from /events. The secret is in this answer only.");
        hooks.MapGet("", ListAsync)
            .Describe("listWebhooks", "The caller's subscriptions with their delivery state: failures in a row, last error, next attempt.");
        hooks.MapPatch("/{webhookId:guid}", SetStatusAsync).Validate(new StatusInputValidator())
            .Describe("setWebhookStatus", "Pauses (paused) or resumes (active) a subscription; a resumed one is tried at once.");
        hooks.MapDelete("/{webhookId:guid}", DeleteAsync)
            .Describe("deleteWebhook", "Deletes a subscription.");
    }

    private static IResult NotFound() =>
        TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This webhook subscription does not exist or is not yours.");

    private static async Task<IResult> CreateAsync(SubscriptionInput input, HttpContext context, Database database, Journal journal, TimeProvider clock)
    {
        var caller = Caller.Of(context);
        var isProvider = caller.Role == Roles.Provider;
        var id = Guid.NewGuid();
        var secret = WebhookSignature.NewSecret();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var cursor = await connection.ExecuteScalarAsync<long?>($"SELECT max(id) FROM outbox WHERE {EventScope.Where(isProvider)}",
            new { organisation = caller.OrganisationId, region = caller.RegionCode }, transaction) ?? 0;
        await connection.ExecuteAsync("""
            INSERT INTO webhook_subscriptions (id, owner_id, role, region_code, organisation_id, url, secret, status, cursor, created_at)
            VALUES (@id, @owner, @role, @region, @organisation, @url, @secret, 'active', @cursor, @now)
            """, new { id, owner = caller.Id, role = caller.Role, region = caller.RegionCode, organisation = caller.OrganisationId, url = input.Url, secret, cursor,
            now = clock.GetUtcNow() }, transaction);
        await journal.AuditAsync(connection, transaction, caller.ToActor(), "webhook-created", "webhook", id.ToString(), caller.RegionCode, input.Url);
        await transaction.CommitAsync();
        return TypedResults.Created($"/api/v1/webhooks/{id}", new Created(id, input.Url!, "active", secret));
    }

    private static async Task<IResult> ListAsync(HttpContext context, Database database)
    {
        await using var connection = await database.OpenAsync();
        var caller = Caller.Of(context);
        return TypedResults.Ok((await connection.QueryAsync<Subscription>(SelectSubscription + $" WHERE {Owned} ORDER BY created_at, id",
            new { role = caller.Role, organisation = caller.OrganisationId, region = caller.RegionCode })).ToList());
    }

    private static async Task<IResult> SetStatusAsync(Guid webhookId, StatusInput input, HttpContext context, Database database, Journal journal)
    {
        var caller = Caller.Of(context);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var changed = await connection.ExecuteAsync($"""
            UPDATE webhook_subscriptions SET status = @status, next_attempt_at = NULL WHERE id = @webhookId AND {Owned}
            """, new { webhookId, role = caller.Role, organisation = caller.OrganisationId, region = caller.RegionCode, status = input.Status }, transaction);
        if (changed == 0) return NotFound();
        await journal.AuditAsync(connection, transaction, caller.ToActor(), $"webhook-{input.Status}", "webhook", webhookId.ToString(), caller.RegionCode);
        await transaction.CommitAsync();
        return TypedResults.Ok(await connection.QuerySingleAsync<Subscription>(SelectSubscription + " WHERE id = @webhookId", new { webhookId }));
    }

    private static async Task<IResult> DeleteAsync(Guid webhookId, HttpContext context, Database database, Journal journal)
    {
        var caller = Caller.Of(context);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        if (await connection.ExecuteAsync($"DELETE FROM webhook_subscriptions WHERE id = @webhookId AND {Owned}",
                new { webhookId, role = caller.Role, organisation = caller.OrganisationId, region = caller.RegionCode }, transaction) == 0)
            return NotFound();
        await journal.AuditAsync(connection, transaction, caller.ToActor(), "webhook-deleted", "webhook", webhookId.ToString(), caller.RegionCode);
        await transaction.CommitAsync();
        return TypedResults.NoContent();
    }
}
