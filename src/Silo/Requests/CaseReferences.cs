using System.Text;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// Case references are unique in a region, but a caseworker may only learn of references their own institution filed.
/// So a caseworker's reference is stored in the institution's own namespace, <c>WSS-3F2A:GI-2026-0001</c> (the
/// initials of the certified institution and a part of its id, which no typed reference can contain, since ':' is not
/// allowed in one): a refusal for a reference that is taken then only says what the institution itself filed. Desks
/// see the namespace, which tells them who filed the child.
/// </summary>
public static class CaseReferences
{
    public const char Separator = ':';

    /// <summary>The reference as stored for what the filer typed.</summary>
    public static string AsStored(Actor filer, string typed, string? institutionName) =>
        filer.Role == Roles.Caseworker ? $"{Namespace(filer, institutionName)}{Separator}{typed}" : typed;

    /// <summary>The part a person typed: a stored reference without its institution's namespace.</summary>
    public static string? Typed(string? stored) =>
        stored is not null && stored.IndexOf(Separator) is var at and >= 0 ? stored[(at + 1)..] : stored;

    private static string Namespace(Actor filer, string? institutionName)
    {
        var initials = new StringBuilder();
        foreach (var word in (institutionName ?? "GI").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (char.IsLetter(word[0]) && char.IsUpper(word[0]) && initials.Length < 4) initials.Append(word[0]);
        var owner = filer.OrganisationId ?? filer.Id ?? Guid.Empty;
        return $"{(initials.Length == 0 ? "GI" : initials.ToString())}-{owner.ToString("N")[..4].ToUpperInvariant()}";
    }
}
