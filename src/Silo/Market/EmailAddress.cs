using System.Text.RegularExpressions;

namespace Matchmaker.Silo.Market;

/// <summary>
/// What the product takes as an e-mail address (a location's intake contact, a user made by the admin CLI): a local
/// part of RFC 5322's dot-atom (letters, digits and <c>!#$%&amp;'*+/=?^_`{|}~-</c> in runs joined by single dots), an
/// @, and a domain of labels (letters of any script, digits, hyphens inside) ending in a label of letters or its
/// <c>xn--</c> form; at most 200 characters. Quoted local parts, comments and address literals, which nobody gives as
/// an intake address, are refused with the rest, and so is markup such as <c>&lt;b&gt;@x.nl</c>.
/// </summary>
public static partial class EmailAddress
{
    public static bool IsValid(string? text) => text is { Length: <= 200 } && Shape().IsMatch(text);

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[A-Za-z0-9-]{1,59})\z")]
    private static partial Regex Shape();
}
