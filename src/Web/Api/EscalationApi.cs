using Matchmaker.Silo.Grains;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// A desk that cannot place a child escalates it beyond the region, to the bovenregionaal expertisenetwerk of its
/// region, with a reason. The network then sees the child (pseudonymous, needs only) against national capacity and may
/// hold a place on the region's behalf. The escalation and its reason stay in the audit and the child's dossier.
/// </summary>
public static class EscalationApi
{
    public sealed record EscalationInput(string? Reason);

    public static void MapEscalationApi(this RouteGroupBuilder api) =>
        api.MapPost("/regions/{regionCode}/requests/{requestId:guid}/escalation", async (string regionCode, Guid requestId, EscalationInput input,
            HttpContext context, IGrainFactory grains) =>
        {
            var caller = Caller.Of(context);
            if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
            return TypedResults.Ok(await grains.Request(regionCode, requestId).Escalate(caller.ToActor(), input.Reason ?? ""));
        }).RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.RequestsWrite)
          .Produces<Silo.Requests.Escalation>(200).Refuses(Silo.Market.RuleCode.RequestNotOpen, Silo.Market.RuleCode.AlreadyEscalated, Silo.Market.RuleCode.NoExpertiseNetwork, Silo.Market.RuleCode.RequestChanged).Describe("escalateRequest", "Escalates an open request beyond the region, to the region's expertise network (bovenregionaal), with a reason. 409 when it is not open, already escalated, or the region belongs to no network.");
}
