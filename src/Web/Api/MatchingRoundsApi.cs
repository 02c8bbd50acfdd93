using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>A desk runs the matcher for its region and sees the proposals with their explanations.</summary>
public static class MatchingRoundsApi
{
    /// <summary>Optional: by default a round leaves out declined places (per child) and children waiting for an answer.</summary>
    public sealed record RoundInput(bool? ProposeDeclinedAgain, bool? AlternativesForHeld);

    public static void MapMatchingRoundsApi(this RouteGroupBuilder api)
    {
        var rounds = api.MapGroup("/regions/{regionCode}/matching-rounds").RequireAuthorization(Policies.Desk);
        rounds.MapPost("", async (string regionCode, RoundInput? input, HttpContext context, IGrainFactory grains, MatchingRounds matching, Journal journal) =>
        {
            var caller = Caller.Of(context);
            if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
            var options = new RoundOptions(input?.ProposeDeclinedAgain ?? false, input?.AlternativesForHeld ?? false);
            var roundId = await grains.GetGrain<IRegionGrain>(regionCode).RunMatchingRound(caller.ToActor(), options);
            var round = await matching.FindAsync(regionCode, roundId, context.RequestAborted);
            if (round is not null) await round.AuditReadAsync(journal, caller.ToActor());
            return TypedResults.Created($"/api/v1/regions/{regionCode}/matching-rounds/{roundId}", round);
        }).RequireScope(Silo.Access.Scopes.MatchingRun).Produces<Silo.Market.MatchingRounds.Round>(201).Describe("runMatchingRound", "Runs the matcher on the region's open requests and the places it may use; returns and stores the proposals with an explanation per child. A round remembers: a place whose provider declined a child is not proposed to it again (unless proposeDeclinedAgain), and a child with an active hold is left out and listed in waitingForAnswer (unless alternativesForHeld; then no place it holds is proposed to it). The body is optional.");
        rounds.MapGet("/{roundId:guid}", async (string regionCode, Guid roundId, HttpContext context, MatchingRounds matching, Journal journal) =>
        {
            var caller = Caller.Of(context);
            if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
            if (await matching.FindAsync(regionCode, roundId, context.RequestAborted) is not { } round)
                return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This matching round does not exist or is not yours to see.");
            await round.AuditReadAsync(journal, caller.ToActor());
            return TypedResults.Ok(round);
        }).RequireScope(Silo.Access.Scopes.MatchingRead).Produces<Silo.Market.MatchingRounds.Round>(200).Describe("getMatchingRound", "A stored matching round of the region.");
    }
}
