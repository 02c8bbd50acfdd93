using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Microsoft.Extensions.Configuration;
using static Matchmaker.Silo.Admin.AdminCommands;

namespace Matchmaker.Silo.Admin;

/// <summary><c>tokens add|list|revoke</c>: API tokens with scopes and an expiry; only their hash is kept.</summary>
internal static class TokenCommands
{
    public static Task<int> RunAsync(string? verb, Dictionary<string, string> options, IConfiguration configuration) => verb switch
    {
        "add" => AddAsync(options, configuration),
        "list" => ListAsync(options, configuration),
        "revoke" => RevokeAsync(options, configuration),
        _ => Task.FromResult(Fail("Use 'tokens add', 'tokens list' or 'tokens revoke'.")),
    };

    private static async Task<int> AddAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        if (Missing(options, "name", "role", "scopes") is { } missing)
            return Fail($"{missing} Scopes: {string.Join(", ", Scopes.All)} (space-separated, quoted).");
        var scopes = Scopes.Parse(options["scopes"]);
        if (scopes.FirstOrDefault(s => !Scopes.All.Contains(s)) is { } unknown)
            return Fail($"--scopes: '{unknown}' is not a scope; use {string.Join(", ", Scopes.All)}.");
        var days = ApiTokens.DefaultLifetimeDays;
        if (options.TryGetValue("expires-days", out var text) && (!int.TryParse(text, out days) || days < 1 || days > ApiTokens.LongestLifetimeDays))
            return Fail($"--expires-days is a whole number of days from 1 to {ApiTokens.LongestLifetimeDays}.");
        await using var database = Database.FromConfiguration(configuration);
        var owner = await CheckOwnerAsync(database, options);
        if (owner.Problem is not null) return Fail(owner.Problem);
        var token = ApiTokens.NewToken();
        var id = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        await connection.ExecuteAsync("""
            INSERT INTO api_clients (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at, expires_at)
            VALUES (@id, @name, @hash, @role, @region, @organisation, @scopes, false, @now, @expires)
            """, new
        {
            id, name = options["name"], hash = ApiTokens.Hash(token), role = options["role"], region = owner.Region,
            organisation = owner.Organisation, scopes = string.Join(' ', scopes.Distinct()), now, expires = now.AddDays(days),
        }, transaction);
        await AuditAsync(connection, transaction, "token-added", "api-client", id.ToString(), owner.Region, $"{options["name"]} as {options["role"]}");
        await transaction.CommitAsync();
        Console.Out.WriteLine(token);
        Console.Error.WriteLine($"Token {id} expires {now.AddDays(days):yyyy-MM-dd}. This is the only time it is shown; Matchmaker keeps only its hash.");
        return 0;
    }

    private static async Task<int> ListAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        await using var database = Database.FromConfiguration(configuration);
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(Guid Id, string Name, string Role, string? Region, string Scopes, bool Demo, DateTimeOffset? Expires, DateTimeOffset? Revoked)>("""
            SELECT id, name, role, region_code, scopes, is_demo, expires_at, revoked_at FROM api_clients
            WHERE (@region IS NULL OR region_code = @region)
            ORDER BY created_at, id
            """, new { region = options.GetValueOrDefault("region") });
        foreach (var row in rows)
        {
            var state = row.Revoked is not null ? $"revoked {row.Revoked:yyyy-MM-dd}"
                : row.Expires < DateTimeOffset.UtcNow ? $"expired {row.Expires:yyyy-MM-dd}"
                : row.Expires is null ? "no expiry" : $"expires {row.Expires:yyyy-MM-dd}";
            Console.Out.WriteLine($"{row.Id}  {row.Role,-13} {row.Region ?? "-",-22} {state,-20} {(row.Demo ? "demo " : "")}{row.Name} [{row.Scopes}]");
        }
        return 0;
    }

    private static async Task<int> RevokeAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        if (Missing(options, "id") is { } missing) return Fail($"{missing} See 'tokens list'.");
        if (!Guid.TryParse(options["id"], out var id)) return Fail($"--id '{options["id"]}' is not a token id; see 'tokens list'.");
        await using var database = Database.FromConfiguration(configuration);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var token = await connection.QuerySingleOrDefaultAsync<(string Name, string? Region, DateTimeOffset? Revoked)?>(
            "SELECT name, region_code, revoked_at FROM api_clients WHERE id = @id", new { id }, transaction);
        if (token is null) return Fail($"There is no token {id}; see 'tokens list'.");
        if (token.Value.Revoked is not null) return Fail($"Token {id} was revoked already on {token.Value.Revoked:yyyy-MM-dd}.");
        await connection.ExecuteAsync("UPDATE api_clients SET revoked_at = @now WHERE id = @id", new { id, now = DateTimeOffset.UtcNow }, transaction);
        await AuditAsync(connection, transaction, "token-revoked", "api-client", id.ToString(), token.Value.Region, token.Value.Name);
        await transaction.CommitAsync();
        Console.Out.WriteLine($"Token {id} ({token.Value.Name}) is revoked; calls with it answer 401 from now on.");
        return 0;
    }
}
