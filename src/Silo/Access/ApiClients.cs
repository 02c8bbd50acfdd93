using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Access;

/// <summary>The systems that call the API, found by the hash of the token they send.</summary>
public sealed class ApiClients(Database database, DemoOptions demo, ApiTokenMemory memory)
{
    public sealed class ApiClient
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public string Role { get; init; } = "";
        public string? RegionCode { get; init; }
        public Guid? OrganisationId { get; init; }
        public string Scopes { get; init; } = "";
        public DateTimeOffset? ExpiresAt { get; init; }
    }

    /// <summary>The client the token belongs to if it is known, not revoked, and (for demo tokens) demo mode is on; null otherwise.</summary>
    /// <remarks>On PostgreSQL a known token is answered from memory while the node hears every change of the table (<see cref="ApiTokenMemory"/>).</remarks>
    public async Task<ApiClient?> ByTokenAsync(string token, CancellationToken cancellationToken)
    {
        var hash = ApiTokens.Hash(token);
        if (memory.Recall(hash) is { } remembered) return remembered;
        var generation = memory.Generation;
        await using var connection = await database.OpenAsync(cancellationToken);
        var client = await connection.QuerySingleOrDefaultAsync<ApiClient>("""
            SELECT id AS Id, name AS Name, role AS Role, region_code AS RegionCode, organisation_id AS OrganisationId, scopes AS Scopes,
                   expires_at AS ExpiresAt
            FROM api_clients
            WHERE token_hash = @hash AND revoked_at IS NULL AND (is_demo = false OR @demoEnabled = true)
            """, new { hash, demoEnabled = demo.Enabled });
        if (client is not null) memory.Remember(hash, client, generation);
        return client;
    }
}
