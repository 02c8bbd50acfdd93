using System.Security.Cryptography;

namespace Matchmaker.Silo.Access;

/// <summary>
/// A user's security stamp is copied into their sign-in cookie; a new stamp (role, region, organisation, password or
/// status changed) makes every cookie with the old one invalid at its next check.
/// </summary>
public static class SecurityStamps
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
