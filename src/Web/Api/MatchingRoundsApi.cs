using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>A desk runs the matcher for its region and sees the proposals with their explanations.</summary>
public static class MatchingRoundsApi
{
    public static void MapMatchingRoundsApi(this RouteGroupBuilder api)
    {
        var rounds = api.MapGroup("/regions/{regionCode}/matching-rounds").RequireAuthorization(Policies.Desk);
        rounds.MapPost("", async (string regionCode, HttpContext context, IGrainFactory grains, MatchingRounds matching, Journal journal, Database database) =>
        {
            var caller = Caller.Of(context);
            if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
            var roundId = await grains.GetGrain<IRegionGrain>(regionCode).RunMatchingRound(caller.ToActor());
            var round = await matching.FindAsync(regionCode, roundId, context.RequestAborted);
            if (round is not null) await round.AuditReadAsync(journal, database, caller.ToActor());
            return TypedResults.Created($"/api/v1/regions/{regionCode}/matching-rounds/{roundId}", round);
        }).RequireScope(Silo.Access.Scopes.MatchingRun).Describe("runMatchingRound", "Runs the matcher on the region's open requests and the places it may use; returns and stores the proposals with an explanation per child.");
        rounds.MapGet("/{roundId:guid}", async (string regionCode, Guid roundId, HttpContext context, MatchingRounds matching, Journal journal,
            Database database) =>
        {
            var caller = Caller.Of(context);
            if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
            if (await matching.FindAsync(regionCode, roundId, context.RequestAborted) is not { } round)
                return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This matching round does not exist or is not yours to see.");
            await round.AuditReadAsync(journal, database, caller.ToActor());
            return TypedResults.Ok(round);
        }).RequireScope(Silo.Access.Scopes.MatchingRead).Describe("getMatchingRound", "A stored matching round of the region.");
    }
}
