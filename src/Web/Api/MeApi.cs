using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

public static class MeApi
{
    public sealed record Me(Guid Id, string Kind, string Name, string Role, string? RegionCode, Guid? OrganisationId);

    /// <summary><c>GET /api/v1/me</c>: who the caller is, as the server sees it (role, region, organisation).</summary>
    public static void MapMeApi(this RouteGroupBuilder api) =>
        api.MapGet("/me", (HttpContext context) =>
        {
            var caller = Caller.From(context.User)!;
            return TypedResults.Ok(new Me(caller.Id, caller.Kind, caller.Name, caller.Role, caller.RegionCode, caller.OrganisationId));
        }).RequireAuthorization(Policies.AnyRole)
        .Produces<MeApi.Me>(200).Describe("getMe", "Who the caller is as the server sees it: kind, role, region and organisation.");
}
