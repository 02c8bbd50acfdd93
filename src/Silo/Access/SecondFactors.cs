using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using OtpNet;

namespace Matchmaker.Silo.Access;

public sealed class MfaConfigurationException(string message) : Exception(message);

/// <summary>Why a second-factor step was refused; the sign-in pages say each in one Dutch sentence beside the code field.</summary>
public enum SecondFactorRefusal
{
    /// <summary>Neither a 6-digit code nor a recovery code, or one that is not right (or was used already).</summary>
    CodeWrong,
    /// <summary>Enrolment was tried for a user who has a second factor already (another tab, another node).</summary>
    AlreadyEnrolled,
    /// <summary>The user has no second factor to check (an administrator reset it meanwhile): enrol first.</summary>
    NotEnrolled,
}

/// <summary>
/// The second factor of people who see children's data and of operators (issue 20, item 2): TOTP (RFC 6238: SHA-1, 6 digits, 30 seconds)
/// with ten one-time recovery codes. Which roles need it is configuration (<c>Mfa:RequiredRoles</c>, comma-separated,
/// default <see cref="DefaultRequiredRoles"/>); demo users never do. The secret is kept encrypted with the shared
/// data-protection key ring (purpose <see cref="Purpose"/>); a code is accepted once (the time step of the last accepted
/// code is kept, and only a later one is accepted, in one conditional UPDATE, so two nodes cannot both accept it).
/// </summary>
public sealed class SecondFactors(Database database, IDataProtectionProvider protection, TimeProvider clock, IConfiguration configuration)
{
    public const string Purpose = "Matchmaker.Mfa.Totp.v1";
    public const string DefaultRequiredRoles = "desk,caseworker,network,provider,admin";
    public const int RecoveryCodeCount = 10;
    private const string Issuer = "Matchmaker";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    /// <summary>The roles that must sign in with a second factor, from <c>Mfa:RequiredRoles</c> (empty: none).</summary>
    public IReadOnlySet<string> RequiredRoles { get; } = RequiredRolesOf(configuration);

    /// <summary><c>Mfa:RequiredRoles</c> read and checked; a name that is no role stops the start (<see cref="MfaConfigurationException"/>).</summary>
    public static IReadOnlySet<string> RequiredRolesOf(IConfiguration configuration)
    {
        var text = configuration["Mfa:RequiredRoles"] ?? DefaultRequiredRoles;
        var roles = text.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        if (roles.FirstOrDefault(role => !Roles.All.Contains(role)) is { } unknown)
            throw new MfaConfigurationException(
                $"Mfa:RequiredRoles names '{unknown}', which is no role; use a comma-separated list of {string.Join(", ", Roles.All)} (or nothing).");
        return roles;
    }

    /// <summary>Whether this person must give a second factor: their role needs it and they are not a demo user.</summary>
    public bool IsRequiredFor(string role, bool isDemo) => !isDemo && RequiredRoles.Contains(role);

    /// <summary>A new secret (160 random bits, as RFC 4226 recommends), in Base32 as authenticator apps read it.</summary>
    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    /// <summary>The otpauth:// URI an authenticator app reads (the content of the QR code other sites show).</summary>
    public static string OtpAuthUri(string secret, string email) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={secret}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>Whether the person has a second factor: TOTP or at least one passkey (<see cref="Passkeys"/>).</summary>
    public async Task<bool> IsEnrolledAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            """
            SELECT count(*) FROM users
            WHERE id = @userId AND (totp_secret IS NOT NULL OR EXISTS (SELECT 1 FROM passkeys WHERE user_id = @userId))
            """, new { userId }) > 0;
    }

    /// <summary>
    /// Enrols <paramref name="secret"/> when <paramref name="code"/> is right for it: the encrypted secret, the code's time
    /// step (so it cannot be used again to sign in) and ten new recovery codes, hashed, in one transaction, audited as
    /// <c>mfa-enrolled</c>. Returns the recovery codes, to be shown once.
    /// </summary>
    public async Task<(SecondFactorRefusal? Refusal, IReadOnlyList<string> RecoveryCodes)> EnrolAsync(
        Accounts.Account user, string secret, string? code)
    {
        var userId = user.Id;
        if (Step(secret, code) is not { } step) return (SecondFactorRefusal.CodeWrong, []);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var enrolled = await connection.ExecuteAsync("""
            UPDATE users SET totp_secret = @protectedSecret, totp_last_step = @step
            WHERE id = @userId AND totp_secret IS NULL AND NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = @userId)
            """, new { userId, protectedSecret = _protector.Protect(secret), step }, transaction);
        if (enrolled == 0) return (SecondFactorRefusal.AlreadyEnrolled, []);
        var codes = await ReplaceRecoveryCodesAsync(connection, transaction, userId);
        await Journal.Append(connection, transaction, PersonOf(user), "mfa-enrolled", "user", userId.ToString(), user.RegionCode,
            $"TOTP with {RecoveryCodeCount} recovery codes");
        await transaction.CommitAsync();
        return (null, codes);
    }

    /// <summary>
    /// Checks the second step of a sign-in: a 6-digit code from the authenticator (accepted once, in the RFC's window of
    /// one step before and after), or one of the recovery codes (then used up, audited as <c>mfa-recovery-code-used</c>).
    /// Null: accepted.
    /// </summary>
    public async Task<SecondFactorRefusal?> VerifyAsync(Accounts.Account user, string? code)
    {
        var userId = user.Id;
        var typed = Normalise(code);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var (stored, passkeys) = await connection.QuerySingleOrDefaultAsync<(string?, long)>(
            "SELECT totp_secret, (SELECT count(*) FROM passkeys WHERE user_id = @userId) FROM users WHERE id = @userId", new { userId }, transaction);
        // A person with only a passkey still has recovery codes; a 6-digit code is then simply wrong.
        if (stored is null && passkeys == 0) return SecondFactorRefusal.NotEnrolled;
        if (typed.Length == 6 && typed.All(char.IsAsciiDigit))
        {
            if (stored is null || Reveal(stored) is not { } secret || Step(secret, typed) is not { } step) return SecondFactorRefusal.CodeWrong;
            // Only a later step than the last accepted one: the same code (or an older one) cannot be replayed.
            var accepted = await connection.ExecuteAsync("""
                UPDATE users SET totp_last_step = @step
                WHERE id = @userId AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < @step)
                """, new { userId, step }, transaction);
            if (accepted == 0) return SecondFactorRefusal.CodeWrong;
        }
        else
        {
            if (typed.Length != 10) return SecondFactorRefusal.CodeWrong;
            var used = await connection.ExecuteAsync("""
                UPDATE recovery_codes SET used_at = @now
                WHERE user_id = @userId AND code_hash = @hash AND used_at IS NULL
                """, new { userId, hash = HashRecoveryCode(userId, typed), now = clock.GetUtcNow() }, transaction);
            if (used == 0) return SecondFactorRefusal.CodeWrong;
            var left = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM recovery_codes WHERE user_id = @userId AND used_at IS NULL", new { userId }, transaction);
            await Journal.Append(connection, transaction, PersonOf(user), "mfa-recovery-code-used", "user", userId.ToString(),
                user.RegionCode, $"{left} recovery codes left");
        }
        await transaction.CommitAsync();
        return null;
    }

    /// <summary>Ten new recovery codes for <paramref name="userId"/>, stored hashed in place of the old ones; returned to be shown once.</summary>
    internal static async Task<IReadOnlyList<string>> ReplaceRecoveryCodesAsync(DbConnection connection, DbTransaction transaction, Guid userId)
    {
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToList();
        await connection.ExecuteAsync("DELETE FROM recovery_codes WHERE user_id = @userId", new { userId }, transaction);
        foreach (var recoveryCode in codes)
            await connection.ExecuteAsync("INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES (@userId, @hash, NULL)",
                new { userId, hash = HashRecoveryCode(userId, recoveryCode) }, transaction);
        return codes;
    }

    /// <summary>The time step at which <paramref name="code"/> is right for <paramref name="secret"/> now, or null.</summary>
    private long? Step(string secret, string? code)
    {
        var typed = Normalise(code);
        if (typed.Length != 6 || !typed.All(char.IsAsciiDigit)) return null;
        byte[] key;
        try
        {
            key = Base32Encoding.ToBytes(secret);
        }
        catch (ArgumentException)
        {
            return null;
        }
        var totp = new Totp(key, timeCorrection: new TimeCorrection(clock.GetUtcNow().UtcDateTime));
        return totp.VerifyTotp(typed, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) ? step : null;
    }

    private string? Reveal(string stored)
    {
        try
        {
            return _protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            // A key ring that cannot read it (not shared, or lost): the code is refused; 'users reset-mfa' lets them enrol again.
            return null;
        }
    }

    /// <summary>What was typed, without spaces or dashes, in capitals (recovery codes are shown as XXXXX-XXXXX).</summary>
    private static string Normalise(string? code) =>
        new((code ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').Take(64).Select(char.ToUpperInvariant).ToArray());

    /// <summary>Ten Base32 characters (50 random bits), shown as XXXXX-XXXXX.</summary>
    private static string NewRecoveryCode()
    {
        var code = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(8))[..10];
        return $"{code[..5]}-{code[5..]}";
    }

    private static string HashRecoveryCode(Guid userId, string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId:N}:{Normalise(code)}")));

    private static Actor PersonOf(Accounts.Account user) => new(user.Id, "user", user.Role, user.RegionCode, user.OrganisationId);
}
