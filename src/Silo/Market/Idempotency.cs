using System.Data.Common;
using System.Text.Json;
using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Market;

/// <summary>
/// A write sent with an <c>Idempotency-Key</c>: the caller's key, and a fingerprint of what was asked (operation,
/// target, body), so the same key for a different request is refused instead of answered with another result.
/// </summary>
[GenerateSerializer, Immutable, Alias("mm.IdempotentRequest")]
public sealed record IdempotentRequest([property: Id(0)] string Key, [property: Id(1)] string Fingerprint)
{
    public const int MaxKeyLength = 200;
}

/// <summary>
/// The first result of an idempotent write, kept in the write's own transaction. Only successful writes are kept:
/// a refused write changed nothing, so its retry is simply judged again.
/// </summary>
public static class Idempotency
{
    /// <summary>The stored result of this caller's key, or null; 422 when the key was used for a different request.</summary>
    public static async Task<T?> StoredAsync<T>(DbConnection connection, DbTransaction? transaction, Actor actor, IdempotentRequest? request)
        where T : class
    {
        if (request is null || actor.Id is null) return null;
        var stored = await connection.QuerySingleOrDefaultAsync<StoredResult>("""
            SELECT fingerprint AS Fingerprint, result AS Result FROM idempotency_keys
            WHERE actor_id = @actorId AND idempotency_key = @Key
            """, new { actorId = actor.Id, request.Key }, transaction);
        if (stored is null) return null;
        if (stored.Fingerprint != request.Fingerprint)
            throw new MarketRuleException(RuleCode.IdempotencyKeyReused,
                "This Idempotency-Key was already used for a different request. Use a new key for a new request.");
        return JsonSerializer.Deserialize<T>(stored.Result, Journal.EventJson);
    }

    /// <summary>The same, opening a connection only when the caller sent a key (most writes have none).</summary>
    public static async Task<T?> StoredAsync<T>(Database database, Actor actor, IdempotentRequest? request) where T : class
    {
        if (request is null || actor.Id is null) return null;
        await using var connection = await database.OpenAsync();
        return await StoredAsync<T>(connection, null, actor, request);
    }

    /// <summary>
    /// Keeps the result in the write's transaction. False when another call with the same key got there first:
    /// the caller then rolls back and answers with the stored result.
    /// </summary>
    public static async Task<bool> RememberAsync<T>(DbConnection connection, DbTransaction transaction, Actor actor, IdempotentRequest? request,
        T result, DateTimeOffset now)
    {
        if (request is null || actor.Id is null) return true;
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO idempotency_keys (actor_id, idempotency_key, fingerprint, result, created_at)
            VALUES (@actorId, @Key, @Fingerprint, @result, @now)
            ON CONFLICT (actor_id, idempotency_key) DO NOTHING
            """, new { actorId = actor.Id, request.Key, request.Fingerprint, result = JsonSerializer.Serialize(result, Journal.EventJson), now },
            transaction);
        return inserted == 1;
    }

    private sealed class StoredResult
    {
        public string Fingerprint { get; init; } = "";
        public string Result { get; init; } = "";
    }
}
