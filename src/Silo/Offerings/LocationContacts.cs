using System.Text.RegularExpressions;
using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Offerings;

/// <summary>
/// The intake contact of one of a provider's locations (phone and e-mail), which desks see beside its places. Both are
/// optional; what is given must look like a Dutch or international phone number and an e-mail address.
/// </summary>
public sealed partial class LocationContacts(Database database, Journal journal, TimeProvider clock)
{
    /// <summary>The fields whose value will not do (phone, email); empty when both are acceptable.</summary>
    public static IReadOnlyList<string> Problems(string? phone, string? email)
    {
        var problems = new List<string>();
        // The shapes alone would let hidden characters through in an e-mail address: both are checked as plain text too.
        if (!string.IsNullOrWhiteSpace(phone) && (!PhoneShape().IsMatch(phone.Trim()) || phone.Count(char.IsDigit) is < 10 or > 15 || !PlainText.IsPlain(phone)))
            problems.Add("phone");
        if (!string.IsNullOrWhiteSpace(email) && (!EmailAddress.IsValid(email.Trim()) || !PlainText.IsPlain(email)))
            problems.Add("email");
        return problems;
    }

    /// <summary>Saves the contact of a location of the provider's organisation; not found when the location is not theirs.</summary>
    public async Task SaveAsync(Actor provider, Guid locationId, string? phone, string? email)
    {
        if (Problems(phone, email) is { Count: > 0 } problems)
            throw MarketRuleException.Invalid(problems.ToDictionary(field => field, field => new[] { $"{field} does not look like a phone number or e-mail address." }));
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var own = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM locations WHERE id = @locationId AND provider_id = @providerId",
            new { locationId, providerId = provider.OrganisationId }, transaction);
        if (own == 0) throw MarketRuleException.NotFound("This location");
        await connection.ExecuteAsync("""
            INSERT INTO location_contacts (location_id, phone, email, updated_at, updated_by) VALUES (@locationId, @phone, @email, @now, @userId)
            ON CONFLICT (location_id) DO UPDATE SET phone = @phone, email = @email, updated_at = @now, updated_by = @userId
            """, new { locationId, phone = Clean(phone), email = Clean(email), now, userId = provider.Id }, transaction);
        await journal.AuditAsync(connection, transaction, provider, "location-contact-changed", "location", locationId.ToString(), null,
            "intake contact changed");
        await transaction.CommitAsync();
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^\+?[0-9][0-9 ()\-]{8,22}$")]
    private static partial Regex PhoneShape();
}
