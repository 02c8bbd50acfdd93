using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace Matchmaker.Silo.Market;

/// <summary>
/// What every change leaves behind, in the change's own transaction: an audit entry (append-only) and, for live
/// changes, a row in the change log (the outbox). The caller pushes the returned changes to every node after commit;
/// the change log's sequence lets a node that missed a push find and re-read what it missed.
/// </summary>
public sealed class Journal(TimeProvider clock)
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

    /// <summary>Logs a live change in the caller's transaction and returns it, with its sequence number, for the push after commit.</summary>
    public async Task<MarketChange> PublishAsync(DbConnection connection, DbTransaction transaction, MarketEvent marketEvent)
    {
        var payload = JsonSerializer.Serialize(marketEvent.Payload, marketEvent.Payload.GetType(), EventJson);
        var sequence = await connection.ExecuteScalarAsync<long>("""
            INSERT INTO outbox (region_code, provider_id, topic, aggregate_id, aggregate_version, payload, created_at)
            VALUES (@RegionCode, @ProviderId, @Topic, @AggregateId, @AggregateVersion, @payload, @createdAt)
            RETURNING id
            """,
            new
            {
                marketEvent.RegionCode, marketEvent.ProviderId, marketEvent.Topic, marketEvent.AggregateId, marketEvent.AggregateVersion,
                payload, createdAt = clock.GetUtcNow(),
            },
            transaction);
        return new MarketChange(sequence, marketEvent.Topic, marketEvent.RegionCode, marketEvent.ProviderId, marketEvent.AggregateId,
            marketEvent.AggregateVersion, payload);
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

/// <summary>A committed live change as every node receives it: its place in the change log, and the JSON payload for clients.</summary>
[GenerateSerializer, Immutable, Alias("mm.MarketChange")]
public sealed record MarketChange(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string Topic,
    [property: Id(2)] string? RegionCode,
    [property: Id(3)] Guid? ProviderId,
    [property: Id(4)] string AggregateId,
    [property: Id(5)] long AggregateVersion,
    [property: Id(6)] string Payload);
