using System.Security.Cryptography;
using System.Text;

namespace Matchmaker.Silo.Access;

/// <summary>API tokens are stored only as their SHA-256 hash; the plain token is shown once, to its owner.</summary>
public static class ApiTokens
{
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public const int DefaultLifetimeDays = 365;
    public const int LongestLifetimeDays = 730;

    public static string NewToken() =>
        "mm_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Who may do what (rollen). Stored as these codes.</summary>
public static class Roles
{
    /// <summary>Zorgbemiddelaar at the regional matching desk.</summary>
    public const string Desk = "desk";
    /// <summary>Jeugdbeschermer or jeugdreclasseerder at a certified institution (GI).</summary>
    public const string Caseworker = "caseworker";
    /// <summary>Aanbieder.</summary>
    public const string Provider = "provider";
    /// <summary>Gemeente or regional purchasing organisation: aggregates only.</summary>
    public const string Municipality = "municipality";
    /// <summary>
    /// Bovenregionaal expertisenetwerk (BEN): seated in one region, sees the children escalated from every region of
    /// that region's network, against national capacity, and may hold a place on the child's region's behalf.
    /// </summary>
    public const string Network = "network";
    /// <summary>Ministry, NZa, inspectorates: aggregates across all regions, nothing about one child.</summary>
    public const string National = "national";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Desk, Caseworker, Provider, Municipality, Network, National, Admin];

    public static readonly IReadOnlyList<string> DemoSignInRoles = [Desk, Provider, Municipality, Caseworker, Network];
}
