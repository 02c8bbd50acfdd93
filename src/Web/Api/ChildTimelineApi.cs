using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>A child's dossier for systems: the same status and timeline the desk's dossier page shows.</summary>
public static class ChildTimelineApi
{
    public sealed record TimelineView(Guid RequestId, string CaseReference, string Status, string Summary, IReadOnlyList<string> Siblings,
        IReadOnlyList<ChildTimeline.ActiveHold> ActiveHolds, ChildTimeline.Placement? Placement, IReadOnlyList<ChildTimeline.Entry> Entries);

    public static void MapChildTimelineApi(this RouteGroupBuilder api) =>
        api.MapGet("/regions/{regionCode}/requests/{requestId:guid}/timeline", async (string regionCode, Guid requestId, HttpContext context, ChildTimelines timelines) =>
        {
            var caller = Caller.Of(context);
            if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
            if (await timelines.ForDeskAsync(caller.ToActor(), regionCode, requestId, "timeline") is not { } timeline)
                return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This request does not exist or is not yours to see.");
            return TypedResults.Ok(new TimelineView(timeline.RequestId, timeline.CaseReference, timeline.Status, timeline.Summary, timeline.Siblings,
                timeline.Holds, timeline.CurrentPlacement, timeline.Entries));
        }).RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.RequestsRead)
          .Produces<TimelineView>(200).Describe("getRequestTimeline", "A child's dossier: status, active holds, placement, and everything that happened, oldest first (registered, edited, each round's outcome with its explanation, holds and the provider's answers with reason and note, placement and its end, withdrawal with its reason). The read is audited.");
}
