using Matchmaker.Silo.Grains;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// Siblings are matched and held together by default. When that keeps them waiting, the desk can decide to place them
/// apart: with a reason, recorded per child (audit and dossier) and counted in the municipality's figures. Refused
/// while a sibling still has a hold for the group (answer or release it first), so no hold places them together after all.
/// </summary>
public static class SiblingSplitApi
{
    public sealed record SplitInput(string? Reason);

    public static void MapSiblingSplitApi(this RouteGroupBuilder api) =>
        api.MapPost("/regions/{regionCode}/sibling-groups/{siblingGroup}/split", async (string regionCode, string siblingGroup, SplitInput input,
            HttpContext context, IGrainFactory grains) =>
        {
            var caller = Caller.Of(context);
            if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
            return TypedResults.Ok(await grains.SiblingGroup(regionCode, siblingGroup).Split(caller.ToActor(), input.Reason ?? ""));
        }).RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.RequestsWrite)
          .Produces<Silo.Requests.SiblingSplit>(200).Refuses(Silo.Market.RuleCode.SiblingsHeld, Silo.Market.RuleCode.RequestChanged).Describe("splitSiblingGroup", "The desk decides that the open children of a sibling group may be placed apart, with a reason (recorded per child and counted in the shortage figures). 409 while a sibling has an active hold.");
}
