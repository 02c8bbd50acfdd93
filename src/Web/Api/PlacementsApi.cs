using FluentValidation;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Offerings;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>Ending a placement frees its unit; the reason (planned end, breakdown, move) feeds the placement-stability figures.</summary>
public static class PlacementsApi
{
    public sealed record EndInput(DateOnly? EndDate, string? Reason);

    public static readonly IReadOnlyList<string> EndReasons = ["planned-end", "breakdown", "move"];

    public sealed class EndInputValidator : AbstractValidator<EndInput>
    {
        public EndInputValidator(TimeProvider clock)
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            RuleFor(x => x.EndDate).NotNull().WithMessage("endDate is required.")
                .InclusiveBetween(today.AddYears(-2), today.AddYears(2))
                .WithMessage($"endDate lies between {today.AddYears(-2):yyyy-MM-dd} and {today.AddYears(2):yyyy-MM-dd}.");
            RuleFor(x => x.Reason).NotEmpty().WithMessage("reason is required.")
                .Must(r => EndReasons.Contains(r!)).When(x => !string.IsNullOrEmpty(x.Reason), ApplyConditionTo.CurrentValidator)
                .WithMessage($"reason must be one of {string.Join(", ", EndReasons)}.");
        }
    }

    /// <summary>The desk of the placement's region or the provider of its offering; nobody else.</summary>
    public static void MapPlacementsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/placements/{placementId:guid}", async (Guid placementId, HttpContext context, PlacementReads placements) =>
                await placements.FindAsync(Caller.Of(context).ToActor(), placementId) is { } placement
                    ? (IResult)TypedResults.Ok(placement)
                    : TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This placement does not exist or is not yours to see."))
            .RequireAuthorization(Policies.DeskOrProvider).RequireScope(Silo.Access.Scopes.HoldsRead, Silo.Access.Scopes.ProposalsRead)
            .Produces<PlacementReads.PlacementView>(200)
            .Describe("getPlacement", "One placement (acceptHold returns their ids): to the desk of the child's region (with the request) or the provider of the offering (without); 404 for anyone else.");
        api.MapPost("/placements/{placementId:guid}/end", async (Guid placementId, EndInput input, HttpContext context, HoldCommands commands) =>
            {
                await commands.EndPlacementAsync(Caller.Of(context).ToActor(), placementId, input.EndDate!.Value, input.Reason!);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.DeskOrProvider).RequireScope(Silo.Access.Scopes.PlacementsEnd).Validate(clock => new EndInputValidator(clock))
            .Produces(204).Refuses(Silo.Market.RuleCode.PlacementCannotEnd).Describe("endPlacement", "Ends a placement with a date and a reason (planned end, breakdown, move); its unit is free again.");
    }
}
