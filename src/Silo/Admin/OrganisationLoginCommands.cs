using Dapper;
using Matchmaker.Silo.Data;
using Microsoft.Extensions.Configuration;
using static Matchmaker.Silo.Admin.AdminCommands;

namespace Matchmaker.Silo.Admin;

/// <summary>
/// <c>users link-login|unlink-login</c>: which person of an organisation's identity provider (its issuer and the person's
/// subject there) is which Matchmaker user (see <c>OrganisationSignIns</c>). Audited; role, region and organisation stay
/// on the user row.
/// </summary>
internal static class OrganisationLoginCommands
{
    public static async Task<int> LinkAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        if (Missing(options, "email", "issuer", "subject") is { } missing) return Fail(missing);
        var email = options["email"].Trim().ToLowerInvariant();
        var (issuer, subject) = (options["issuer"].Trim(), options["subject"].Trim());
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out _)) return Fail($"--issuer '{issuer}' is not an address; give the identity provider's issuer exactly as its tokens name it.");
        if (subject.Length is 0 or > 255) return Fail("--subject must be the person's id at the identity provider (1 to 255 characters).");
        await using var database = Database.FromConfiguration(configuration);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var user = await UserByEmailAsync(connection, transaction, email);
        if (user is null) return Fail($"There is no user with e-mail {email}; see 'users list'.");
        var current = await connection.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT user_id FROM organisation_logins WHERE issuer = @issuer AND subject = @subject", new { issuer, subject }, transaction);
        if (current is { } other && other != user.Value.Id) return Fail($"Subject {subject} of {issuer} is linked to another user; 'users unlink-login' that one first.");
        if (current is null)
            await connection.ExecuteAsync("""
                INSERT INTO organisation_logins (issuer, subject, user_id, linked_by, linked_at)
                VALUES (@issuer, @subject, @userId, 'command-line', @now)
                """, new { issuer, subject, userId = user.Value.Id, now = DateTimeOffset.UtcNow }, transaction);
        await AuditAsync(connection, transaction, "organisation-login-linked", "user", user.Value.Id.ToString(), user.Value.Region, $"issuer {issuer}, subject {subject}");
        await transaction.CommitAsync();
        Console.Out.WriteLine($"User {email} signs in as {subject} of {issuer}.");
        return 0;
    }

    public static async Task<int> UnlinkAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        if (Missing(options, "email") is { } missing) return Fail(missing);
        var email = options["email"].Trim().ToLowerInvariant();
        await using var database = Database.FromConfiguration(configuration);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var user = await UserByEmailAsync(connection, transaction, email);
        if (user is null) return Fail($"There is no user with e-mail {email}; see 'users list'.");
        var removed = await connection.ExecuteAsync("DELETE FROM organisation_logins WHERE user_id = @userId", new { userId = user.Value.Id }, transaction);
        await AuditAsync(connection, transaction, "organisation-login-unlinked", "user", user.Value.Id.ToString(), user.Value.Region, $"{removed} link(s)");
        await transaction.CommitAsync();
        Console.Out.WriteLine($"User {email} no longer signs in through an identity provider ({removed} link(s) removed).");
        return 0;
    }
}
