using System.Security.Cryptography;
using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Access;

/// <summary>
/// The server-side half of a session opened through an organisation's identity provider (issue 20): one row in
/// <c>organisation_sessions</c> per session, named by the cookie. Every node reads the same row, so ending it (a
/// back-channel logout, or the provider refusing the session's refresh token) refuses the cookie on every node at its
/// next request. The provider's refresh token is stored as the web host protected it (the shared key ring); this class
/// never sees it in plain text.
/// </summary>
public sealed class OrganisationSessions(Database database, TimeProvider clock)
{
    /// <summary>A session and its user, as the session check needs them on every request.</summary>
    public sealed class State
    {
        public Guid UserId { get; init; }
        public string Provider { get; init; } = "";
        public string? ProtectedRefreshToken { get; init; }
        public DateTimeOffset CheckedAt { get; init; }
        public DateTimeOffset NextCheckAt { get; init; }
        public bool Ended { get; init; }
    }

    /// <summary>Rows of sessions that ended (or would have) longer ago than this are deleted when a new one starts.</summary>
    public static readonly TimeSpan KeptAfterEnd = TimeSpan.FromDays(1);

    private const string Insert = """
        INSERT INTO organisation_sessions (id, user_id, region_code, provider, subject, provider_session, refresh_token,
                                           started_at, ends_at, checked_at, next_check_at)
        VALUES (@id, @userId, @regionCode, @provider, @subject, @providerSession, @refreshToken, @now, @endsAt, @now, @nextCheckAt)
        """;

    private const string DeleteOld = "DELETE FROM organisation_sessions WHERE ends_at < @before";

    /// <summary>Opens the row of a new session; returns its id (128 random bits), which the session cookie carries.</summary>
    public async Task<string> StartAsync(IdentityProvider provider, Accounts.Account user, string subject, string? providerSession,
        string? protectedRefreshToken, CancellationToken cancellationToken = default)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(DeleteOld, new { before = now - KeptAfterEnd }, transaction);
        await connection.ExecuteAsync(Insert, new
        {
            id, userId = user.Id, regionCode = user.RegionCode, provider = provider.Name, subject, providerSession,
            refreshToken = protectedRefreshToken, now, endsAt = now + provider.SessionLifetime, nextCheckAt = now + provider.RevalidateInterval,
        }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    private const string SelectState = """
        SELECT user_id AS UserId, provider AS Provider, refresh_token AS ProtectedRefreshToken, checked_at AS CheckedAt,
               next_check_at AS NextCheckAt, ended_at IS NOT NULL AS Ended
        FROM organisation_sessions WHERE id = @id
        """;

    /// <summary>The session's row (null: unknown, or deleted with its user). One primary-key read, on every request.</summary>
    public async Task<State?> StateAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<State>(SelectState, new { id });
    }

    // Only the request that moves next_check_at from what it read asks the provider; the others (on this node or any
    // other) go on meanwhile: the check is done at most once per interval for the whole cluster.
    private const string Claim = """
        UPDATE organisation_sessions SET next_check_at = @claimedUntil
        WHERE id = @id AND next_check_at = @seen AND ended_at IS NULL
        """;

    /// <summary>Whether this caller won the right to ask the provider now (until <paramref name="claimedUntil"/>).</summary>
    public async Task<bool> ClaimCheckAsync(string id, DateTimeOffset seen, DateTimeOffset claimedUntil, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var won = await connection.ExecuteAsync(Claim, new { id, seen, claimedUntil }, transaction) == 1;
        await transaction.CommitAsync(cancellationToken);
        return won;
    }

    private const string Confirm = """
        UPDATE organisation_sessions SET refresh_token = @refreshToken, checked_at = @now, next_check_at = @nextCheckAt
        WHERE id = @id AND ended_at IS NULL
        """;

    /// <summary>The provider said yes: the (possibly rotated) refresh token is kept and the next check set.</summary>
    public async Task ConfirmedAsync(string id, string? protectedRefreshToken, DateTimeOffset nextCheckAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(Confirm, new { id, refreshToken = protectedRefreshToken, now = clock.GetUtcNow(), nextCheckAt }, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private const string Retry = "UPDATE organisation_sessions SET next_check_at = @nextCheckAt WHERE id = @id AND ended_at IS NULL";

    /// <summary>The provider could not be reached, and the grace since its last yes has not passed: ask again then.</summary>
    public async Task RetryAtAsync(string id, DateTimeOffset nextCheckAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(Retry, new { id, nextCheckAt }, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private const string EndOne = """
        UPDATE organisation_sessions SET ended_at = @now, ended_why = @why, refresh_token = NULL
        WHERE id = @id AND ended_at IS NULL
        """;

    /// <summary>Ends one session now (the provider refused it, or could not be reached for too long); audited.</summary>
    public async Task EndAsync(string id, Actor person, string why, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        if (await connection.ExecuteAsync(EndOne, new { id, now, why }, transaction) == 1)
            await Journal.Append(connection, transaction, person, "organisation-session-ended", "user", person.Id?.ToString(), person.RegionCode, why, now);
        await transaction.CommitAsync(cancellationToken);
    }

    private const string RememberLogoutToken = """
        INSERT INTO organisation_logout_tokens (provider, jti, received_at) VALUES (@provider, @jti, @now)
        ON CONFLICT (provider, jti) DO NOTHING
        """;

    private const string ForgetOldLogoutTokens = "DELETE FROM organisation_logout_tokens WHERE received_at < @before";

    // A logout token names the person (sub), one session at the provider (sid), or both: then only sessions matching both.
    // The provider's region is in the WHERE clause too: a provider ends only the sessions of its own people.
    private const string EndByLogout = """
        UPDATE organisation_sessions SET ended_at = @now, ended_why = 'backchannel-logout', refresh_token = NULL
        WHERE provider = @provider AND ended_at IS NULL
          AND (@regionCode IS NULL OR region_code = @regionCode)
          AND (@subject IS NULL OR subject = @subject)
          AND (@providerSession IS NULL OR provider_session = @providerSession)
        """;

    /// <summary>
    /// A validated back-channel logout token: ends every open session of <paramref name="subject"/> and/or of
    /// <paramref name="providerSession"/> through <paramref name="provider"/>, audited, and remembers the token's
    /// <paramref name="jti"/>. Null (and nothing changed) when that jti was accepted before: a replay.
    /// </summary>
    public async Task<int?> LogoutAsync(IdentityProvider provider, string jti, string? subject, string? providerSession, CancellationToken cancellationToken = default)
    {
        if (subject is null && providerSession is null) throw new ArgumentException("A logout names a subject or a session.");
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(ForgetOldLogoutTokens, new { before = now - KeptAfterEnd }, transaction);
        if (await connection.ExecuteAsync(RememberLogoutToken, new { provider = provider.Name, jti, now }, transaction) == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }
        var ended = await connection.ExecuteAsync(EndByLogout,
            new { now, provider = provider.Name, regionCode = provider.RegionCode, subject, providerSession }, transaction);
        await Journal.Append(connection, transaction, new Actor(null, "system", "identity-provider", provider.RegionCode, provider.OrganisationId),
            "organisation-backchannel-logout", "identity-provider", provider.Name, provider.RegionCode,
            $"sub {subject ?? "-"}, sid {providerSession ?? "-"}, jti {jti}: {ended} session(s) ended", now);
        await transaction.CommitAsync(cancellationToken);
        return ended;
    }
}
