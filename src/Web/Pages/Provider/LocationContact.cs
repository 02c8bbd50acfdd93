using System.Text.RegularExpressions;
using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Pages.Provider;

/// <summary>
/// The intake contact of one of a provider's locations (phone and e-mail), which desks see beside its places. Both are
/// optional; what is given must look like a Dutch or international phone number and an e-mail address.
/// </summary>
public static partial class LocationContact
{
    /// <summary>Field → Dutch message; empty when both values are acceptable.</summary>
    public static Dictionary<string, string> Problems(string? phone, string? email)
    {
        var problems = new Dictionary<string, string>();
        if (!string.IsNullOrWhiteSpace(phone) && (!PhoneShape().IsMatch(phone.Trim()) || phone.Count(char.IsDigit) is < 10 or > 15))
            problems["phone"] = "Vul een telefoonnummer in van 10 tot 15 cijfers, bijvoorbeeld 010 123 45 67 of +31 10 123 45 67.";
        if (!string.IsNullOrWhiteSpace(email) && (email.Trim().Length > 200 || !EmailShape().IsMatch(email.Trim())))
            problems["email"] = "Vul een e-mailadres in zoals intake@aanbieder.nl.";
        return problems;
    }

    /// <summary>Saves the contact of a location of the caller's organisation; false when the location is not theirs.</summary>
    public static async Task<bool> SaveAsync(Database database, Journal journal, Caller caller, Guid locationId, string? phone, string? email, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var own = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM locations WHERE id = @locationId AND provider_id = @providerId",
            new { locationId, providerId = caller.OrganisationId }, transaction);
        if (own == 0) return false;
        await connection.ExecuteAsync("""
            INSERT INTO location_contacts (location_id, phone, email, updated_at, updated_by) VALUES (@locationId, @phone, @email, @now, @userId)
            ON CONFLICT (location_id) DO UPDATE SET phone = @phone, email = @email, updated_at = @now, updated_by = @userId
            """, new { locationId, phone = Clean(phone), email = Clean(email), now, userId = caller.Id }, transaction);
        await journal.AuditAsync(connection, transaction, caller.ToActor(), "location-contact-changed", "location", locationId.ToString(), null,
            "intake contact changed");
        await transaction.CommitAsync();
        return true;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^\+?[0-9][0-9 ()\-]{8,22}$")]
    private static partial Regex PhoneShape();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")]
    private static partial Regex EmailShape();
}
