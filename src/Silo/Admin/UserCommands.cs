using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using static Matchmaker.Silo.Admin.AdminCommands;

namespace Matchmaker.Silo.Admin;

/// <summary>
/// <c>users add|list|disable|enable|set-role|reset-password|reset-mfa|link-login|unlink-login</c>; passwords are read from
/// standard input (none with <c>--sign-in organisation</c>: the person signs in through their organisation only).
/// </summary>
internal static class UserCommands
{
    public const int ShortestPassword = 12;

    public static Task<int> RunAsync(string? verb, Dictionary<string, string> options, IConfiguration configuration) => verb switch
    {
        "add" => AddAsync(options, configuration),
        "list" => ListAsync(options, configuration),
        "disable" => ChangeAsync(options, configuration, "user-disabled", "disabled_at = @now", "is disabled; their sessions end within a minute"),
        "enable" => ChangeAsync(options, configuration, "user-enabled", "disabled_at = NULL", "is enabled again", forgetAttempts: true),
        "reset-password" => ResetPasswordAsync(options, configuration),
        "set-role" => SetRoleAsync(options, configuration),
        "reset-mfa" => ResetMfaAsync(options, configuration),
        "link-login" => OrganisationLoginCommands.LinkAsync(options, configuration),
        "unlink-login" => OrganisationLoginCommands.UnlinkAsync(options, configuration),
        _ => Task.FromResult(Fail("Use 'users add', 'users list', 'users disable', 'users enable', 'users set-role', 'users reset-password', 'users reset-mfa', 'users link-login' or 'users unlink-login'.")),
    };

    private static async Task<int> AddAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        if (Missing(options, "email", "name", "role") is { } missing) return Fail(missing);
        var email = options["email"].Trim().ToLowerInvariant();
        if (!IsEmail(email)) return Fail($"--email '{email}' is not an e-mail address.");
        var signIn = options.GetValueOrDefault("sign-in", "password");
        if (signIn is not ("password" or "organisation")) return Fail("--sign-in must be 'password' (the default) or 'organisation' (no password: only through the organisation's identity provider).");
        var password = signIn == "password" ? await ReadPasswordAsync() : null;
        if (signIn == "password" && password is null) return PasswordProblem();
        await using var database = Database.FromConfiguration(configuration);
        var owner = await CheckOwnerAsync(database, options);
        if (owner.Problem is not null) return Fail(owner.Problem);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE email = @email", new { email }, transaction) > 0)
            return Fail($"A user with e-mail {email} exists already.");
        var id = Guid.NewGuid();
        await connection.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            VALUES (@id, @email, @name, @role, @region, @organisation, @hash, false, @now, @stamp)
            """, new
        {
            id, email, name = options["name"], role = options["role"], region = owner.Region, organisation = owner.Organisation,
            hash = password is null ? null : new PasswordHasher<object>().HashPassword(email, password), now = DateTimeOffset.UtcNow, stamp = SecurityStamps.New(),
        }, transaction);
        await AuditAsync(connection, transaction, "user-added", "user", id.ToString(), owner.Region, $"{email} as {options["role"]}");
        await transaction.CommitAsync();
        Console.Out.WriteLine($"User {email} ({options["role"]}) added with id {id}.");
        return 0;
    }

    private static async Task<int> ListAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        await using var database = Database.FromConfiguration(configuration);
        await using var connection = await database.OpenAsync();
        var now = DateTimeOffset.UtcNow;
        var rows = await connection.QueryAsync<(string Email, string Role, string? Region, bool Demo, DateTimeOffset? Disabled, bool Totp, long Passkeys)>("""
            SELECT email, role, region_code, is_demo, disabled_at, totp_secret IS NOT NULL,
                   (SELECT count(*) FROM passkeys p WHERE p.user_id = users.id)
            FROM users
            WHERE (@region IS NULL OR region_code = @region)
            ORDER BY email
            """, new { region = options.GetValueOrDefault("region") });
        // Waits are per account and client address (SignInThrottle): an account can wait at one address and not at another.
        var waits = (await connection.QueryAsync<(string Key, DateTimeOffset LockedUntil)>(
                "SELECT key, locked_until FROM sign_in_failures WHERE key LIKE 'account:%' AND locked_until > @now", new { now }))
            .GroupBy(w => w.Key[..(w.Key.IndexOf('@') + 1)])
            .ToDictionary(g => g.Key, g => (Addresses: g.Count(), Until: g.Max(w => w.LockedUntil)));
        foreach (var row in rows)
        {
            var state = row.Disabled is not null ? "disabled"
                : waits.TryGetValue(SignInThrottle.AccountPrefix(row.Email), out var wait) ? $"active, waiting at {wait.Addresses} address(es) until {wait.Until:u}"
                : "active";
            Console.Out.WriteLine($"{row.Email,-44} {row.Role,-13} {row.Region ?? "-",-22} {(row.Demo ? "demo " : "")}{state}{(row.Totp ? ", with TOTP" : "")}{(row.Passkeys > 0 ? $", with {row.Passkeys} passkey(s)" : "")}");
        }
        return 0;
    }

    /// <summary>
    /// One change of a person (not a demo user): <paramref name="set"/> with <paramref name="values"/>, a new security stamp
    /// (which ends their sessions), and an audit record, in one transaction; with <paramref name="forgetAttempts"/> the
    /// waits earned by failed sign-ins at the account, from every address, end too.
    /// </summary>
    private static async Task<int> ChangeAsync(Dictionary<string, string> options, IConfiguration configuration, string action, string set, string said,
        object? values = null, (string? Region, string Detail)? audit = null, bool forgetAttempts = false,
        Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Guid, Task>? alsoInTheTransaction = null)
    {
        if (Missing(options, "email") is { } missing) return Fail(missing);
        var email = options["email"].Trim().ToLowerInvariant();
        await using var database = Database.FromConfiguration(configuration);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var user = await UserByEmailAsync(connection, transaction, email);
        if (user is null) return Fail($"There is no user with e-mail {email}; see 'users list'.");
        var parameters = new DynamicParameters(values);
        parameters.AddDynamicParams(new { id = user.Value.Id, now = DateTimeOffset.UtcNow, stamp = SecurityStamps.New() });
        await connection.ExecuteAsync($"UPDATE users SET {set}, security_stamp = @stamp WHERE id = @id", parameters, transaction);
        if (forgetAttempts)
            await connection.ExecuteAsync("DELETE FROM sign_in_failures WHERE key LIKE @account",
                new { account = SignInThrottle.AccountPrefix(email) + "%" }, transaction);
        if (alsoInTheTransaction is not null) await alsoInTheTransaction(connection, transaction, user.Value.Id);
        await AuditAsync(connection, transaction, action, "user", user.Value.Id.ToString(), audit?.Region ?? user.Value.Region, audit?.Detail ?? email);
        await transaction.CommitAsync();
        Console.Out.WriteLine($"User {email} {said}.");
        return 0;
    }

    private static async Task<int> ResetPasswordAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        if (Missing(options, "email") is { } missing) return Fail(missing);
        if (await ReadPasswordAsync() is not { } password) return PasswordProblem();
        var hash = new PasswordHasher<object>().HashPassword(options["email"].Trim().ToLowerInvariant(), password);
        return await ChangeAsync(options, configuration, "user-password-reset", "password_hash = @hash",
            "has a new password; their sessions end within a minute", new { hash }, forgetAttempts: true);
    }

    /// <summary>
    /// The second factor forgotten (a lost phone or key): the TOTP secret, its last step, the passkeys and their open
    /// challenges, the recovery codes and the waits earned
    /// by wrong codes go, the user gets a new security stamp (their sessions end within a minute) and enrols again at their
    /// next sign-in. Audited as <c>user-mfa-reset</c>.
    /// </summary>
    private static Task<int> ResetMfaAsync(Dictionary<string, string> options, IConfiguration configuration) =>
        ChangeAsync(options, configuration, "user-mfa-reset", "totp_secret = NULL, totp_last_step = NULL",
            "has no second factor now and enrols again at the next sign-in; their sessions end within a minute",
            alsoInTheTransaction: async (connection, transaction, id) =>
            {
                await connection.ExecuteAsync("DELETE FROM recovery_codes WHERE user_id = @id", new { id }, transaction);
                await connection.ExecuteAsync("DELETE FROM passkeys WHERE user_id = @id", new { id }, transaction);
                await connection.ExecuteAsync("DELETE FROM passkey_challenges WHERE user_id = @id", new { id }, transaction);
                await connection.ExecuteAsync("DELETE FROM sign_in_failures WHERE key = @key", new { key = SignInThrottle.CodeKey(id) }, transaction);
            });

    private static async Task<int> SetRoleAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        if (Missing(options, "email", "role") is { } missing) return Fail(missing);
        Owner owner;
        await using (var database = Database.FromConfiguration(configuration))
            owner = await CheckOwnerAsync(database, options);
        if (owner.Problem is not null) return Fail(owner.Problem);
        var role = options["role"];
        return await ChangeAsync(options, configuration, "user-role-changed", "role = @role, region_code = @region, organisation_id = @organisation",
            $"is now {role}; their sessions end within a minute", new { role, region = owner.Region, organisation = owner.Organisation },
            (owner.Region, $"{options["email"].Trim().ToLowerInvariant()} to {role}"));
    }

    private static async Task<string?> ReadPasswordAsync()
    {
        var password = (await Console.In.ReadLineAsync())?.Trim() ?? "";
        return password.Length >= ShortestPassword ? password : null;
    }

    private static int PasswordProblem() =>
        Fail($"Give the password on standard input, at least {ShortestPassword} characters (e.g. read -s P; echo \"$P\" | ... users add ...).");
}
