using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Figures;

/// <summary>Builders for the figures tests: a system's token with a role, region and scopes, and a signed-in person.</summary>
internal static class FiguresTokens
{
    /// <summary>A system (a BI tool) of this role and region whose token has only these scopes.</summary>
    public static async Task<HttpClient> SystemAsync(MarketScenario market, string role, string? region, string scopes)
    {
        var token = $"mm_test_{Guid.NewGuid():N}";
        await market.ExecuteAsync("""
            INSERT INTO api_clients (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at)
            VALUES (@id, 'BI-koppeling', @hash, @role, @region, NULL, @scopes, false, @now)
            """, new { id = Guid.NewGuid(), hash = Silo.Access.ApiTokens.Hash(token), role, region, scopes, now = DateTimeOffset.UtcNow });
        return market.Client(token);
    }

    public static async Task<HttpClient> PersonAsync(MarketScenario market, string role)
    {
        var client = market.App.CreateClient();
        await SignIn.AsDemoAsync(client, MarketScenario.Region, role);
        return client;
    }
}
