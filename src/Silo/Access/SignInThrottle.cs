using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Matchmaker.Silo.Data;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Silo.Access;

/// <summary>
/// Guessing slowed down for the whole cluster: the counts are rows in the shared database (<c>sign_in_failures</c>), so
/// N nodes allow what one node allows.
/// <list type="bullet">
/// <item>A client address may fail <c>RateLimiting:FailuresPerMinute</c> (20) times a minute, at passwords and at API
/// tokens each; beyond that it waits until its minute is over (429). A right token is never refused for its address:
/// tokens carry 256 random bits, so a guesser cannot find one, and a stranger behind the same address must not stop
/// every system.</item>
/// <item>Each account, per client address, has 5 free attempts since its last success, then waits 1 minute, 2, 4, …
/// up to an hour per further attempt (<see cref="AccountLockout"/>). The user at another address is not kept out by a
/// stranger's guesses.</item>
/// </list>
/// </summary>
public sealed class SignInThrottle(Database database, TimeProvider clock, IConfiguration configuration)
{
    public enum Door { Password, Token }

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AccountMemory = TimeSpan.FromDays(1);
    private long _lastSweep;

    private int FailuresPerMinute => configuration.GetValue("RateLimiting:FailuresPerMinute", 20);

    /// <summary>
    /// The key of a client address: an IPv4 address, or an IPv6 address's /64 (one subscriber's network: a guesser
    /// there has 2^64 addresses to step through).
    /// </summary>
    public static string AddressKey(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    /// <summary>When the address has used up its failures at this door: how long until it may try again.</summary>
    public async Task<TimeSpan?> AddressBlockedAsync(Door door, string address, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Count>(
            "SELECT failures AS Failures, forget_at AS ForgetAt FROM sign_in_failures WHERE key = @key", new { key = AddressOf(door, address) });
        return row is not null && row.ForgetAt > now && row.Failures >= FailuresPerMinute ? row.ForgetAt - now : null;
    }

    /// <summary>Counts a failure of the address at this door; when that used up its minute, how long it must wait.</summary>
    public async Task<TimeSpan?> AddressFailedAsync(Door door, string address)
    {
        var now = clock.GetUtcNow();
        Count count;
        await using (var connection = await database.OpenAsync())
        {
            await using var transaction = await database.BeginWriteAsync(connection);
            // A fixed window: the first failure after the last window ended starts a new one.
            count = await connection.QuerySingleAsync<Count>("""
                INSERT INTO sign_in_failures (key, failures, forget_at, locked_until)
                VALUES (@key, 1, @windowEnd, NULL)
                ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN sign_in_failures.forget_at <= @now THEN 1 ELSE sign_in_failures.failures + 1 END,
                    forget_at = CASE WHEN sign_in_failures.forget_at <= @now THEN @windowEnd ELSE sign_in_failures.forget_at END
                RETURNING failures AS Failures, forget_at AS ForgetAt
                """, new { key = AddressOf(door, address), now, windowEnd = now + Window }, transaction);
            await transaction.CommitAsync();
        }
        await SweepAsync(now);
        return count.Failures > FailuresPerMinute ? count.ForgetAt - now : null;
    }

    /// <summary>
    /// Takes an attempt at the account (by the e-mail address typed, known or not) from the client address, before the
    /// password is checked, so attempts sent at once cannot slip past the count. Null: go ahead. Otherwise the time
    /// until this address may try this account again. A success forgets the count (<see cref="SucceededAsync"/>).
    /// </summary>
    public Task<DateTimeOffset?> TakeAttemptAsync(string email, string address) => TakeAsync(AccountOf(email, address));

    /// <summary>
    /// Takes an attempt at a user's second factor, before the code is checked, counted for the account from every address
    /// together (only someone who knows the password gets this far, so a stranger cannot use it to keep the user out):
    /// 5 free attempts since the last success, then 1 minute, 2, 4, … up to an hour per further one. Null: go ahead.
    /// </summary>
    public Task<DateTimeOffset?> TakeCodeAttemptAsync(Guid userId) => TakeAsync(CodeKey(userId));

    /// <summary>The right code: the attempts at the user's second factor are forgotten.</summary>
    public async Task CodeSucceededAsync(Guid userId)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        await connection.ExecuteAsync("DELETE FROM sign_in_failures WHERE key = @key", new { key = CodeKey(userId) }, transaction);
        await transaction.CommitAsync();
    }

    /// <summary>Where the attempts at a user's second factor are counted (one row for all addresses).</summary>
    public static string CodeKey(Guid userId) => $"code:{userId:N}";

    private async Task<DateTimeOffset?> TakeAsync(string key)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // No row comes back while the pair waits: the attempt is refused and not counted.
        var attempts = await connection.QuerySingleOrDefaultAsync<int?>("""
            INSERT INTO sign_in_failures (key, failures, forget_at, locked_until)
            VALUES (@key, 1, @forgetAt, NULL)
            ON CONFLICT (key) DO UPDATE SET
                failures = CASE WHEN sign_in_failures.forget_at <= @now THEN 1 ELSE sign_in_failures.failures + 1 END,
                forget_at = @forgetAt
            WHERE sign_in_failures.locked_until IS NULL OR sign_in_failures.locked_until <= @now
            RETURNING failures
            """, new { key, now, forgetAt = now + AccountMemory }, transaction);
        if (attempts is null)
        {
            var lockedUntil = await connection.QuerySingleAsync<DateTimeOffset>(
                "SELECT locked_until FROM sign_in_failures WHERE key = @key", new { key }, transaction);
            await transaction.CommitAsync();
            return lockedUntil;
        }
        // This attempt may go on; if it fails too, the next one waits.
        if (AccountLockout.LockedUntil(attempts.Value, now) is { } until)
            await connection.ExecuteAsync("UPDATE sign_in_failures SET locked_until = @until WHERE key = @key", new { key, until }, transaction);
        await transaction.CommitAsync();
        return null;
    }

    /// <summary>The right password: this address's attempts at this account are forgotten.</summary>
    public async Task SucceededAsync(string email, string address)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        await connection.ExecuteAsync("DELETE FROM sign_in_failures WHERE key = @key", new { key = AccountOf(email, address) }, transaction);
        await transaction.CommitAsync();
    }

    /// <summary>Rows whose time is over are removed, at most once a minute per node, in a statement of their own.</summary>
    private async Task SweepAsync(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now.UtcTicks - last < Window.Ticks || Interlocked.CompareExchange(ref _lastSweep, now.UtcTicks, last) != last) return;
        try
        {
            await using var connection = await database.OpenAsync();
            await using var transaction = await database.BeginWriteAsync(connection);
            await connection.ExecuteAsync("DELETE FROM sign_in_failures WHERE forget_at < @now", new { now }, transaction);
            await transaction.CommitAsync();
        }
        catch (DbException e) when (e.IsTransient)
        {
            // Two nodes sweeping the same rows at once can deadlock in PostgreSQL; one gives way. The rows are only
            // housekeeping (expired counts are ignored by every read), and the next sweep removes them.
        }
    }

    private static string AddressOf(Door door, string address) => $"{(door == Door.Password ? "password" : "token")}@{address}";

    private static string AccountOf(string email, string address) => AccountPrefix(email) + address;

    /// <summary>
    /// Where the attempts at an account start (any address follows). The e-mail address typed is hashed: the table names
    /// no person, and unknown addresses are counted like known ones.
    /// </summary>
    public static string AccountPrefix(string email) =>
        $"account:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())))[..32]}@";

    private sealed class Count
    {
        public int Failures { get; init; }
        public DateTimeOffset ForgetAt { get; init; }
    }
}

/// <summary>After 5 attempts in a row without success, an account waits 1 minute, then 2, 4, … up to an hour per further one.</summary>
public static class AccountLockout
{
    public const int FreeFailures = 5;

    public static DateTimeOffset? LockedUntil(int failures, DateTimeOffset now) =>
        failures < FreeFailures ? null : now.AddMinutes(Math.Min(60, 1 << Math.Min(6, failures - FreeFailures)));
}
