using System.Security.Claims;
using Matchmaker.Silo.Market;

namespace Matchmaker.Web.Infrastructure;

/// <summary>Who is calling: a person (cookie) or a system (API token), with role, region and organisation.</summary>
public sealed record Caller(Guid Id, string Kind, string Name, string Role, string? RegionCode, Guid? OrganisationId)
{
    public const string RegionClaim = "matchmaker:region";
    public const string OrganisationClaim = "matchmaker:organisation";
    public const string KindClaim = "matchmaker:kind";

    public static Caller? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var role = principal.FindFirstValue(ClaimTypes.Role);
        if (!Guid.TryParse(id, out var guid) || role is null) return null;
        var organisation = principal.FindFirstValue(OrganisationClaim);
        return new Caller(guid, principal.FindFirstValue(KindClaim) ?? "user", principal.Identity.Name ?? "", role,
            principal.FindFirstValue(RegionClaim), Guid.TryParse(organisation, out var org) ? org : null);
    }

    /// <summary>The caller of an endpoint that requires authorisation.</summary>
    public static Caller Of(HttpContext context) =>
        From(context.User) ?? throw new InvalidOperationException("The endpoint must require an authenticated caller.");

    public Actor ToActor() => new(Id, Kind, Role, RegionCode, OrganisationId);

    /// <summary>The tenant check: a desk sees only its own region; any other region answers as if it did not exist.</summary>
    public bool IsDeskOf(string regionCode) => Role == Silo.Access.Roles.Desk && string.Equals(RegionCode, regionCode, StringComparison.Ordinal);

    public ClaimsIdentity ToIdentity(string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, Id.ToString()),
            new(ClaimTypes.Name, Name),
            new(ClaimTypes.Role, Role),
            new(KindClaim, Kind),
        };
        if (RegionCode is not null) claims.Add(new Claim(RegionClaim, RegionCode));
        if (OrganisationId is not null) claims.Add(new Claim(OrganisationClaim, OrganisationId.Value.ToString()));
        return new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role);
    }
}
