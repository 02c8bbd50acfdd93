using System.Buffers.Text;
using System.Text.Json;
using Dapper;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Matchmaker.Silo.Access;

public sealed class PasskeyConfigurationException(string message) : Exception(message);

/// <summary>Why a passkey step was refused; the sign-in pages say each in one Dutch sentence beside the passkey button.</summary>
public enum PasskeyRefusal
{
    /// <summary>What the browser sent is no WebAuthn answer (empty, not JSON, fields missing or of the wrong kind).</summary>
    Malformed,
    /// <summary>The challenge is unknown, used already, of another person, or older than <see cref="Passkeys.ChallengeLifetime"/>.</summary>
    ChallengeExpired,
    /// <summary>The answer does not hold: wrong origin or relying party, a signature that does not verify, a key not allowed.</summary>
    NotVerified,
    /// <summary>The credential is not one of this person's passkeys (deleted by 'users reset-mfa', or someone else's).</summary>
    UnknownCredential,
    /// <summary>The authenticator's signature counter did not go up: a cloned key, or an answer replayed.</summary>
    SignCountRegressed,
    /// <summary>Enrolment was tried for a user who has a second factor already (another tab, another node).</summary>
    AlreadyEnrolled,
}

/// <summary>The WebAuthn relying party this site is: its id (a domain) and the origins its pages are served from.</summary>
public sealed record RelyingParty(string Id, string Name, IReadOnlySet<string> Origins);

/// <summary>Options for the browser's <c>navigator.credentials.create/get</c>, and the id of the challenge row they belong to.</summary>
public sealed record PasskeyChallenge(Guid Id, string OptionsJson);

/// <summary>
/// Passkeys (WebAuthn, FIDO2) as the other second factor beside TOTP (issue 20, item 2), verified with the Fido2 library.
/// The relying party is configuration (<c>Passkeys:RelyingPartyId</c>, <c>Passkeys:Origins</c>); without it, only in
/// Development and Test, the request's own host. Attestation is "none": any authenticator will do, what counts is that
/// it holds the private key. The options given to the browser (with their random challenge) stay in the database
/// (<c>passkey_challenges</c>), are taken (deleted) by the answer, so each is used once, and expire after
/// <see cref="ChallengeLifetime"/>. A use must raise the authenticator's signature counter (or leave it at 0, for
/// authenticators that keep none); one that does not is refused, in the same conditional UPDATE that records it, so two
/// nodes cannot both accept one answer. Enrolment and use are audited (<c>mfa-enrolled</c>, <c>mfa-passkey-used</c>);
/// <c>users reset-mfa</c> deletes a person's passkeys.
/// </summary>
public sealed class Passkeys(Database database, TimeProvider clock, IConfiguration configuration, IHostEnvironment environment)
{
    public const string Section = "Passkeys";
    public const string EnrolPurpose = "enrol", SignInPurpose = "sign-in";
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    /// <summary>How many challenges one person may have open for one purpose; the oldest goes when another is asked for.</summary>
    public const int OpenChallengesPerPurpose = 3;
    private const int LongestAnswer = 64 * 1024;

    private readonly RelyingParty? _configured = Configured(configuration);
    private readonly bool _fromRequest = OrganisationSignIns.AllowsHttp(environment);

    /// <summary><c>Passkeys:*</c> read and checked; an origin that is no absolute address stops the start.</summary>
    public static RelyingParty? Configured(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var name = section["RelyingPartyName"] is { Length: > 0 } n ? n.Trim() : "Matchmaker";
        var origins = (section["Origins"] ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (section["RelyingPartyId"] is not { Length: > 0 } id)
        {
            if (origins.Length > 0) throw new PasskeyConfigurationException($"{Section}:Origins is set but {Section}:RelyingPartyId is not: name the domain the passkeys belong to (e.g. matchmaker.example.nl).");
            return null;
        }
        id = id.Trim().ToLowerInvariant();
        if (id.Contains('/') || id.Contains(':'))
            throw new PasskeyConfigurationException($"{Section}:RelyingPartyId '{id}' must be a domain name only (e.g. matchmaker.example.nl), no scheme, port or path.");
        if (origins.Length == 0) origins = [$"https://{id}"];
        foreach (var origin in origins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || uri.Host != id && !uri.Host.EndsWith("." + id, StringComparison.Ordinal))
                throw new PasskeyConfigurationException($"{Section}:Origins '{origin}' must be an address like https://{id} (scheme, host and port only) on {id} or a subdomain of it.");
        return new RelyingParty(id, name, origins.Select(o => o.TrimEnd('/')).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// The relying party for a request from <paramref name="requestOrigin"/> (scheme://host[:port]): the configured one, or
    /// (Development and Test only, when none is configured) the request's own host. Null: passkeys are off here.
    /// </summary>
    public RelyingParty? For(string requestOrigin)
    {
        if (_configured is not null) return _configured;
        if (!_fromRequest || !Uri.TryCreate(requestOrigin, UriKind.Absolute, out var uri)) return null;
        return new RelyingParty(uri.Host, "Matchmaker", new HashSet<string>(StringComparer.Ordinal) { uri.GetLeftPart(UriPartial.Authority) });
    }

    public async Task<bool> HasAnyAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM passkeys WHERE user_id = @userId", new { userId }) > 0;
    }

    /// <summary>Options for <c>navigator.credentials.create</c>: a new passkey for <paramref name="user"/>, attestation "none".</summary>
    public async Task<PasskeyChallenge> BeginEnrolmentAsync(Accounts.Account user, RelyingParty party)
    {
        var options = Library(party).RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = user.Id.ToByteArray(), Name = user.Email, DisplayName = user.DisplayName },
            ExcludeCredentials = await DescriptorsAsync(user.Id),
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Preferred,
                UserVerification = UserVerificationRequirement.Preferred,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });
        return await StoreAsync(user.Id, EnrolPurpose, options.ToJson());
    }

    /// <summary>
    /// Enrols the passkey the browser made for the challenge <paramref name="challengeId"/>: verified, stored with ten new
    /// recovery codes, audited as <c>mfa-enrolled</c>, in one transaction, only when the person has no second factor yet.
    /// Returns the recovery codes, to be shown once.
    /// </summary>
    public async Task<(PasskeyRefusal? Refusal, IReadOnlyList<string> RecoveryCodes)> EnrolAsync(
        Accounts.Account user, RelyingParty party, Guid? challengeId, string? answerJson)
    {
        if (Parse<AuthenticatorAttestationRawResponse>(answerJson) is not { Response: not null, RawId.Length: > 0 } answer)
            return (PasskeyRefusal.Malformed, []);
        if (challengeId is not { } id || await TakeChallengeAsync(user.Id, id, EnrolPurpose) is not { } optionsJson)
            return (PasskeyRefusal.ChallengeExpired, []);
        RegisteredPublicKeyCredential credential;
        try
        {
            credential = await Library(party).MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = answer,
                OriginalOptions = CredentialCreateOptions.FromJson(optionsJson),
                IsCredentialIdUniqueToUserCallback = async (args, cancellationToken) => !await ExistsAsync(args.CredentialId),
            });
        }
        catch (Exception e) when (IsBadAnswer(e))
        {
            return (PasskeyRefusal.NotVerified, []);
        }
        var userId = user.Id;
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // The user's row first (locks it on PostgreSQL): only one first second factor, TOTP or passkey, wins.
        var free = await connection.ExecuteAsync("""
            UPDATE users SET totp_last_step = totp_last_step
            WHERE id = @userId AND totp_secret IS NULL AND NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = @userId)
            """, new { userId }, transaction);
        if (free == 0) return (PasskeyRefusal.AlreadyEnrolled, []);
        await connection.ExecuteAsync("""
            INSERT INTO passkeys (credential_id, user_id, region_code, public_key, sign_count, created_at, last_used_at)
            VALUES (@credentialId, @userId, @region, @publicKey, @signCount, @now, NULL)
            """, new { credentialId = Base64Url.EncodeToString(credential.Id), userId, region = user.RegionCode, publicKey = credential.PublicKey,
                signCount = (long)credential.SignCount, now = clock.GetUtcNow() }, transaction);
        var codes = await SecondFactors.ReplaceRecoveryCodesAsync(connection, transaction, userId);
        await Journal.Append(connection, transaction, PersonOf(user), "mfa-enrolled", "user", userId.ToString(), user.RegionCode,
            $"passkey with {SecondFactors.RecoveryCodeCount} recovery codes");
        await transaction.CommitAsync();
        return (null, codes);
    }

    /// <summary>Options for <c>navigator.credentials.get</c> with this person's passkeys, or null when they have none.</summary>
    public async Task<PasskeyChallenge?> BeginSignInAsync(Accounts.Account user, RelyingParty party)
    {
        var allowed = await DescriptorsAsync(user.Id);
        if (allowed.Count == 0) return null;
        var options = Library(party).GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = allowed,
            UserVerification = UserVerificationRequirement.Preferred,
        });
        return await StoreAsync(user.Id, SignInPurpose, options.ToJson());
    }

    /// <summary>
    /// Checks the second step of a sign-in with a passkey: the challenge taken once, the signature verified with the stored
    /// public key, the signature counter raised (<see cref="RecordUseAsync"/>), audited as <c>mfa-passkey-used</c>. Null: accepted.
    /// </summary>
    public async Task<PasskeyRefusal?> VerifyAsync(Accounts.Account user, RelyingParty party, Guid? challengeId, string? answerJson)
    {
        if (Parse<AuthenticatorAssertionRawResponse>(answerJson) is not { Response: not null, RawId.Length: > 0 } answer)
            return PasskeyRefusal.Malformed;
        if (challengeId is not { } id || await TakeChallengeAsync(user.Id, id, SignInPurpose) is not { } optionsJson)
            return PasskeyRefusal.ChallengeExpired;
        var credentialId = Base64Url.EncodeToString(answer.RawId);
        Stored? stored;
        await using (var connection = await database.OpenAsync())
            stored = await connection.QuerySingleOrDefaultAsync<Stored>("""
                SELECT public_key AS PublicKey, sign_count AS SignCount FROM passkeys WHERE credential_id = @credentialId AND user_id = @userId
                """, new { credentialId, userId = user.Id });
        if (stored is null) return PasskeyRefusal.UnknownCredential;
        var owner = user.Id.ToByteArray();
        VerifyAssertionResult result;
        try
        {
            result = await Library(party).MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = answer,
                OriginalOptions = AssertionOptions.FromJson(optionsJson),
                StoredPublicKey = stored.PublicKey,
                StoredSignatureCounter = (uint)stored.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(args.UserHandle is null || args.UserHandle.AsSpan().SequenceEqual(owner)),
            });
        }
        catch (Fido2VerificationException e) when (e.Code == Fido2ErrorCode.InvalidSignCount)
        {
            return PasskeyRefusal.SignCountRegressed;
        }
        catch (Exception e) when (IsBadAnswer(e))
        {
            return PasskeyRefusal.NotVerified;
        }
        return await RecordUseAsync(user, credentialId, result.SignCount) ? null : PasskeyRefusal.SignCountRegressed;
    }

    /// <summary>
    /// Records a verified use of a passkey with the authenticator's new signature counter, only when it went up (or both
    /// the stored and the new one are 0: an authenticator without a counter), audited as <c>mfa-passkey-used</c>. False:
    /// refused (the counter did not go up, or the passkey is gone).
    /// </summary>
    public async Task<bool> RecordUseAsync(Accounts.Account user, string credentialId, uint signCount)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var recorded = await connection.ExecuteAsync("""
            UPDATE passkeys SET sign_count = @signCount, last_used_at = @now
            WHERE credential_id = @credentialId AND user_id = @userId AND (sign_count < @signCount OR (sign_count = 0 AND @signCount = 0))
            """, new { credentialId, userId = user.Id, signCount = (long)signCount, now = clock.GetUtcNow() }, transaction);
        await Journal.Append(connection, transaction, PersonOf(user), recorded == 1 ? "mfa-passkey-used" : "mfa-passkey-refused", "user",
            user.Id.ToString(), user.RegionCode, recorded == 1 ? "sign-in with a passkey" : $"signature counter {signCount} did not go up");
        await transaction.CommitAsync();
        return recorded == 1;
    }

    /// <summary>
    /// Takes the challenge <paramref name="challengeId"/> of this user and purpose: returns its options and deletes it, in
    /// one transaction, so it is used once; null when it is unknown, used, someone else's, or expired.
    /// </summary>
    public async Task<string?> TakeChallengeAsync(Guid userId, Guid challengeId, string purpose)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var options = await connection.QuerySingleOrDefaultAsync<string?>("""
            SELECT options FROM passkey_challenges
            WHERE id = @challengeId AND user_id = @userId AND purpose = @purpose AND expires_at > @now
            """, new { challengeId, userId, purpose, now = clock.GetUtcNow() }, transaction);
        var taken = await connection.ExecuteAsync("DELETE FROM passkey_challenges WHERE id = @challengeId AND user_id = @userId",
            new { challengeId, userId }, transaction);
        await transaction.CommitAsync();
        return taken == 1 ? options : null;
    }

    private async Task<PasskeyChallenge> StoreAsync(Guid userId, string purpose, string optionsJson)
    {
        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // Expired challenges go as new ones come: the table holds only what is still usable.
        await connection.ExecuteAsync("DELETE FROM passkey_challenges WHERE expires_at <= @now", new { now }, transaction);
        // A person keeps a few open challenges per purpose (two tabs, a retry), not one per reload: a thousand reloads
        // must not leave a thousand rows.
        await connection.ExecuteAsync($"""
            DELETE FROM passkey_challenges
            WHERE user_id = @userId AND purpose = @purpose AND id NOT IN (
                SELECT id FROM passkey_challenges WHERE user_id = @userId AND purpose = @purpose
                ORDER BY expires_at DESC LIMIT {OpenChallengesPerPurpose - 1})
            """, new { userId, purpose }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO passkey_challenges (id, user_id, purpose, options, expires_at) VALUES (@id, @userId, @purpose, @optionsJson, @expires)
            """, new { id, userId, purpose, optionsJson, expires = now + ChallengeLifetime }, transaction);
        await transaction.CommitAsync();
        return new PasskeyChallenge(id, optionsJson);
    }

    private async Task<IReadOnlyList<PublicKeyCredentialDescriptor>> DescriptorsAsync(Guid userId)
    {
        await using var connection = await database.OpenAsync();
        var ids = await connection.QueryAsync<string>("SELECT credential_id FROM passkeys WHERE user_id = @userId ORDER BY created_at", new { userId });
        return ids.Select(id => new PublicKeyCredentialDescriptor(Base64Url.DecodeFromChars(id))).ToList();
    }

    private async Task<bool> ExistsAsync(byte[] credentialId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM passkeys WHERE credential_id = @id",
            new { id = Base64Url.EncodeToString(credentialId) }) > 0;
    }

    private Fido2 Library(RelyingParty party) => new(new Fido2Configuration
    {
        RPID = party.Id,
        RPName = party.Name,
        Origins = party.Origins.ToHashSet(),
        TimestampDriftTolerance = 300_000,
    }, null!);

    /// <summary>What a hostile or broken browser sent, read without trusting it: null for anything that is no such JSON.</summary>
    private static T? Parse<T>(string? json) where T : class
    {
        if (string.IsNullOrWhiteSpace(json) || json.Length > LongestAnswer) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(json);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The exceptions the library throws for an answer that does not hold (it reads CBOR and keys from the caller).</summary>
    private static bool IsBadAnswer(Exception e) =>
        e is Fido2VerificationException or JsonException or FormatException or ArgumentException or InvalidOperationException
            or NotSupportedException or OverflowException or IndexOutOfRangeException or System.Security.Cryptography.CryptographicException
            or System.Formats.Asn1.AsnContentException;

    private sealed class Stored
    {
        public byte[] PublicKey { get; init; } = [];
        public long SignCount { get; init; }
    }

    private static Actor PersonOf(Accounts.Account user) => new(user.Id, "user", user.Role, user.RegionCode, user.OrganisationId);
}
