using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Matchmaker.Silo.Access;

/// <summary>Why an organisation sign-in was refused; the sign-in page says each in one Dutch sentence.</summary>
public enum OrganisationSignInRefusal
{
    /// <summary>The identity provider's person is no Matchmaker user of this provider's region or organisation.</summary>
    UnknownPerson,
    /// <summary>The user is disabled in Matchmaker (a leaver, or 'users disable').</summary>
    Disabled,
}

/// <summary>Who the identity provider says signed in, as its validated ID token carries it.</summary>
public sealed record ExternalPerson(string Issuer, string Subject, string? Email, bool EmailVerified, IReadOnlyList<string> Amr);

/// <summary>The user to open a session for (and whether the provider did the second factor), or why not.</summary>
public sealed record OrganisationSignInResult(Accounts.Account? User, bool SecondFactorDone, OrganisationSignInRefusal? Refusal);

/// <summary>
/// Sign-in through an organisation's own identity provider (issue 20, item 1). The token says who signed in (issuer and
/// subject); Matchmaker decides who that is: the user linked to that issuer and subject, or (only for a provider
/// configured with <c>MatchByEmail</c>, and only when the token says the address is verified) the user with that
/// e-mail address, who is then linked. Role, region and organisation always come from the user row, never from the
/// token; the user must belong to the provider's region or organisation, be enabled and be no demo user. Every
/// outcome is audited: <c>organisation-sign-in</c>, <c>organisation-login-linked</c>, <c>organisation-sign-in-refused</c>.
/// </summary>
public sealed class OrganisationSignIns(Database database, TimeProvider clock, IConfiguration configuration, IHostEnvironment environment)
{
    /// <summary>The configured providers (plain http authorities only in Development and Test).</summary>
    public IReadOnlyList<IdentityProvider> Providers { get; } = IdentityProviders.Of(configuration, AllowsHttp(environment));

    public static bool AllowsHttp(IHostEnvironment environment) => environment.IsDevelopment() || environment.IsEnvironment("Test");

    public IdentityProvider? Named(string? name) => Providers.FirstOrDefault(p => p.Name == name);

    private const string SelectUser = """
        SELECT id AS Id, email AS Email, display_name AS DisplayName, role AS Role, region_code AS RegionCode,
               organisation_id AS OrganisationId, password_hash AS PasswordHash, is_demo AS IsDemo, security_stamp AS SecurityStamp,
               disabled_at IS NOT NULL AS Disabled
        FROM users
        """;

    private const string ByLink = SelectUser + " WHERE id = (SELECT user_id FROM organisation_logins WHERE issuer = @issuer AND subject = @subject)";

    // Only a user who has no link to this issuer yet (whether they belong to the provider: Serves, below).
    private const string ByVerifiedEmail = SelectUser + """
         WHERE email = @email
          AND NOT EXISTS (SELECT 1 FROM organisation_logins l WHERE l.user_id = users.id AND l.issuer = @issuer)
        """;

    private const string InsertLink = """
        INSERT INTO organisation_logins (issuer, subject, user_id, linked_by, linked_at)
        VALUES (@issuer, @subject, @userId, @linkedBy, @now)
        ON CONFLICT (issuer, subject) DO NOTHING
        """;

    public async Task<OrganisationSignInResult> SignInAsync(IdentityProvider provider, ExternalPerson person, CancellationToken cancellationToken = default)
    {
        var (issuer, subject) = (person.Issuer, person.Subject);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection);
        var user = await connection.QuerySingleOrDefaultAsync<Accounts.Account>(ByLink, new { issuer, subject }, transaction);
        var linked = false;
        if (user is null && person is { EmailVerified: true, Email: { Length: > 0 } email } && provider.MayVouchFor(email))
        {
            user = await connection.QuerySingleOrDefaultAsync<Accounts.Account>(ByVerifiedEmail,
                new { email = email.Trim().ToLowerInvariant(), issuer }, transaction);
            // Administrators and national users are never found by an address an outside directory vouches for.
            if (user is { Role: Roles.Admin or Roles.National }) user = null;
            linked = user is not null && Serves(provider, user);
            // A first sign-in of the same person at the same moment may have linked the address meanwhile: the link says who it is.
            user ??= await connection.QuerySingleOrDefaultAsync<Accounts.Account>(ByLink, new { issuer, subject }, transaction);
        }
        var refusal = user switch
        {
            null => OrganisationSignInRefusal.UnknownPerson,
            { IsDemo: true } => OrganisationSignInRefusal.UnknownPerson,
            _ when !Serves(provider, user) => OrganisationSignInRefusal.UnknownPerson,
            { Disabled: true } => OrganisationSignInRefusal.Disabled,
            _ => (OrganisationSignInRefusal?)null,
        };
        // The sign-in that links a person by address proves only what the provider says: Matchmaker's own second step applies.
        var secondFactorDone = !linked && provider.ReportsSecondFactor(person.Amr);
        var now = clock.GetUtcNow();
        if (refusal is { } refused)
        {
            // Who it was, as far as Matchmaker knows: the user when there is one, otherwise the provider's region or organisation.
            var actor = user is null ? new Actor(null, "user", "unknown", provider.RegionCode, provider.OrganisationId) : PersonOf(user);
            await Journal.Append(connection, transaction, actor, "organisation-sign-in-refused", "identity-provider", provider.Name,
                user?.RegionCode ?? provider.RegionCode, $"{refused}: issuer {issuer}, subject {subject}", now);
            await transaction.CommitAsync(cancellationToken);
            return new OrganisationSignInResult(null, false, refused);
        }
        // Two first sign-ins of one person at once (a double click) both find no link: the second inserts nothing.
        if (linked && await connection.ExecuteAsync(InsertLink, new { issuer, subject, userId = user!.Id, linkedBy = $"email:{provider.Name}", now }, transaction) == 1)
        {
            await Journal.Append(connection, transaction, PersonOf(user), "organisation-login-linked", "user", user.Id.ToString(), user.RegionCode,
                $"{provider.Name}: issuer {issuer}, subject {subject}, by verified e-mail address", now);
        }
        await Journal.Append(connection, transaction, PersonOf(user!), "organisation-sign-in", "user", user!.Id.ToString(), user.RegionCode,
            $"{provider.Name}: amr {(person.Amr.Count == 0 ? "none" : string.Join(" ", person.Amr))}{(secondFactorDone ? " (second factor done)" : "")}", now);
        await transaction.CommitAsync(cancellationToken);
        return new OrganisationSignInResult(user, secondFactorDone, null);
    }

    /// <summary>A provider signs in only the people of its own region or organisation.</summary>
    private static bool Serves(IdentityProvider provider, Accounts.Account user) =>
        (provider.RegionCode is null || user.RegionCode == provider.RegionCode)
        && (provider.OrganisationId is null || user.OrganisationId == provider.OrganisationId);

    private static Actor PersonOf(Accounts.Account user) => new(user.Id, "user", user.Role, user.RegionCode, user.OrganisationId);
}
