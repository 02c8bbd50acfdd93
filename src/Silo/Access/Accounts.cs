using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Access;

/// <summary>People's accounts as signing in and session checks need them; the command line keeps them (UserCommands).</summary>
public sealed class Accounts(Database database)
{
    public sealed class Account
    {
        public Guid Id { get; init; }
        public string Email { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string Role { get; init; } = "";
        public string? RegionCode { get; init; }
        public Guid? OrganisationId { get; init; }
        public string? PasswordHash { get; init; }
        public bool IsDemo { get; init; }
        public string SecurityStamp { get; init; } = "";
        public bool Disabled { get; init; }
    }

    /// <summary>What a session check compares with the cookie.</summary>
    public sealed class SessionState
    {
        public string SecurityStamp { get; init; } = "";
        public bool Disabled { get; init; }
        public bool IsDemo { get; init; }
    }

    private const string SelectAccount = """
        SELECT id AS Id, email AS Email, display_name AS DisplayName, role AS Role, region_code AS RegionCode,
               organisation_id AS OrganisationId, password_hash AS PasswordHash, is_demo AS IsDemo, security_stamp AS SecurityStamp,
               disabled_at IS NOT NULL AS Disabled
        FROM users
        """;

    public async Task<Account?> ByEmailAsync(string email, bool demoOnly, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Account>(SelectAccount + " WHERE email = @email" + (demoOnly ? " AND is_demo = true" : ""), new { email });
    }

    /// <summary>The account of a half-finished sign-in (password given, second factor not yet).</summary>
    public async Task<Account?> ByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Account>(SelectAccount + " WHERE id = @id", new { id });
    }

    public async Task<SessionState?> SessionOfAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SessionState>(
            "SELECT security_stamp AS SecurityStamp, disabled_at IS NOT NULL AS Disabled, is_demo AS IsDemo FROM users WHERE id = @id", new { id });
    }
}
