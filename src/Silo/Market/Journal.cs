using System.Data.Common;
using System.Text.Json;
using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Market;

/// <summary>
/// What every change leaves behind, in the change's own transaction: an audit entry (append-only) and,
/// for live changes, an outbox event that the relay pushes to the desks and providers after commit.
/// </summary>
public sealed class Journal(Database database, TimeProvider clock, OutboxSignal signal)
{
    public static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

    public async Task AuditAsync(DbConnection connection, DbTransaction? transaction, Actor actor, string action, string subjectType,
        string? subjectId, string? regionCode, string? detail = null)
    {
        await connection.ExecuteAsync("""
            INSERT INTO audit_log (at, actor_id, actor_kind, role, organisation_id, region_code, action, subject_type, subject_id, detail)
            VALUES (@at, @actorId, @actorKind, @role, @organisationId, @regionCode, @action, @subjectType, @subjectId, @detail)
            """,
            new
            {
                at = clock.GetUtcNow(), actorId = actor.Id, actorKind = actor.Kind, role = actor.Role, organisationId = actor.OrganisationId,
                regionCode, action, subjectType, subjectId, detail,
            },
            transaction);
    }

    /// <summary>Commits the change and wakes this node's outbox relay (other nodes hear it through NOTIFY).</summary>
    public async Task CommitAsync(DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        await transaction.CommitAsync(cancellationToken);
        signal.Pulse();
    }

    public async Task PublishAsync(DbConnection connection, DbTransaction transaction, MarketEvent marketEvent)
    {
        await connection.ExecuteAsync("""
            INSERT INTO outbox (region_code, provider_id, topic, aggregate_id, aggregate_version, payload, created_at)
            VALUES (@RegionCode, @ProviderId, @Topic, @AggregateId, @AggregateVersion, @payload, @createdAt)
            """,
            new
            {
                marketEvent.RegionCode, marketEvent.ProviderId, marketEvent.Topic, marketEvent.AggregateId, marketEvent.AggregateVersion,
                payload = JsonSerializer.Serialize(marketEvent.Payload, marketEvent.Payload.GetType(), EventJson), createdAt = clock.GetUtcNow(),
            },
            transaction);
        if (database.Provider == DatabaseProvider.Postgres)
            // Delivered to every listening node when the transaction commits, and not at all if it rolls back.
            await connection.ExecuteAsync("SELECT pg_notify('matchmaker_outbox', '')", transaction: transaction);
    }
}

/// <summary>
/// A live change: topic, the thing changed and its version (clients drop older versions), the payload sent to
/// clients, and who receives it: the region's desks (<see cref="RegionCode"/>; all desks for availability) and the provider.
/// </summary>
public sealed record MarketEvent(string Topic, string? RegionCode, Guid? ProviderId, string AggregateId, long AggregateVersion, object Payload)
{
    public const string AvailabilityChanged = "availabilityChanged";
    public const string HoldChanged = "holdChanged";
    public const string ProposalReceived = "proposalReceived";
    public const string RequestChanged = "requestChanged";
}
