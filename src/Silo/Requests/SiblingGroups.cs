using System.Security.Cryptography;
using System.Text;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// Siblings share a group code in their region. A desk sets any code of its region. A caseworker groups only children
/// they filed themselves: the code they type is stored with a mark of their own (<c>label~1a2b3c4d</c>), so it can
/// never name another family's group, and typing a code they saw elsewhere joins nothing.
/// </summary>
public static class SiblingGroups
{
    public const int MaxLength = 60;

    /// <summary>The code as stored for what the actor typed; null when nothing was typed.</summary>
    public static string? AsStored(Actor actor, string? typed)
    {
        var label = string.IsNullOrWhiteSpace(typed) ? null : typed.Trim();
        if (label is null || actor.Role != Roles.Caseworker) return label;
        var mark = SHA256.HashData(Encoding.UTF8.GetBytes($"{actor.Id:N}/{label}"));
        return $"{label}~{Convert.ToHexStringLower(mark)[..8]}";
    }
}
