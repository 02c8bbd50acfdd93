using FluentValidation;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Offerings;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>Holds on places: a desk places them (from a matching round or its own pick); the provider accepts or declines.</summary>
public static class HoldsApi
{
    /// <summary>
    /// <c>parallel</c>: a second (third …) hold for a child that already has one, deliberately. <c>outsidePolicyReason</c>:
    /// why the desk holds a place its region's policy rules out (outside the region, or not contracted); kept in the audit and the dossier,
    /// and shown to the provider with the proposal (whyThisPlace) while it is open.
    /// </summary>
    public sealed record HoldInput(Guid? RequestId, Guid? MatchingRoundId = null, bool? Parallel = null, string? OutsidePolicyReason = null);

    public sealed record AcceptInput(DateOnly? StartDate);

    public sealed record DeclineInput(string? Reason, string? Note = null);

    /// <summary>The placements the acceptance made (one per sibling); the provider ends them by these ids. No request ids: those are the desk's.</summary>
    public sealed record AcceptResult(IReadOnlyList<Guid> Placements);

    public sealed class HoldInputValidator : AbstractValidator<HoldInput>
    {
        public HoldInputValidator()
        {
            RuleFor(x => x.RequestId).NotNull().WithMessage("requestId is required.");
        }
    }

    /// <summary>What the body must hold; the offering's grain judges the date itself (<see cref="Answers.JudgeStartDate"/>).</summary>
    public sealed class AcceptInputValidator : AbstractValidator<AcceptInput>
    {
        public AcceptInputValidator()
        {
            RuleFor(x => x.StartDate).NotNull().WithMessage("startDate is required.");
        }
    }

    private static readonly HoldInputValidator HoldValidator = new();
    private static readonly AcceptInputValidator AcceptValidator = new();

    public static void MapHoldsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/offerings/{offeringId:guid}/holds", PlaceAsync)
            .RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.HoldsWrite).Validate(HoldValidator).AcceptsIdempotencyKey()
            .Produces<Silo.Grains.HoldPlaced[]>(201).Refuses(Silo.Market.RuleCode.PlaceTaken, Silo.Market.RuleCode.PlaceUnsuitable, Silo.Market.RuleCode.AlreadyHeldHere, Silo.Market.RuleCode.TooManyHolds, Silo.Market.RuleCode.ParallelHoldNeedsConfirmation, Silo.Market.RuleCode.RequestChanged, Silo.Market.RuleCode.RequestClosed, Silo.Market.RuleCode.RequestNotOpen, Silo.Market.RuleCode.OutsidePolicyNeedsReason).Describe("placeHold", "Holds a unit for a child of the desk's region (one per open sibling) for the region's hold time. 409 when no unit is free, the place does not suit the child, the child already has a hold and parallel is not true, or the child has the region's maximum of parallel holds; 422 (code outside-policy-needs-reason) when the place is outside the region's policy and no outsidePolicyReason is given. With an Idempotency-Key header a retry returns the first result and takes no second unit.");
        api.MapPost("/holds/{holdId:guid}/accept", AcceptAsync)
            .RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.ProposalsAnswer).Validate(AcceptValidator).AcceptsIdempotencyKey()
            .Produces<AcceptResult>(200).Refuses(Silo.Market.RuleCode.HoldNotActive, Silo.Market.RuleCode.RequestChanged, Silo.Market.RuleCode.StartBeforeMeasure).Describe("acceptHold", "The provider accepts: the child (with siblings held at the same place) is placed from the start date (not before the start of the child's measure: 400 start-before-measure), its other holds are released and its request closes. Takes an Idempotency-Key header.");
        api.MapPost("/holds/{holdId:guid}/decline", DeclineAsync)
            .RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.ProposalsAnswer).AcceptsIdempotencyKey()
            .Produces(204).Refuses(Silo.Market.RuleCode.HoldNotActive).Describe("declineHold", "The provider declines with a reason from the list (and a note); the unit is free again. Reasons feed the shortage figures. Takes an Idempotency-Key header.");
        api.MapGet("/holds", ListAsync).RequireAuthorization(Policies.DeskOrProvider).RequireScope(Silo.Access.Scopes.HoldsRead, Silo.Access.Scopes.ProposalsRead)
            .Produces<List<Silo.Offerings.HoldReads.HoldSummary>>(200).Describe("listHolds", "Holds by status (default active): a provider's proposals without the child's identity, or a desk's holds in its region. " + OpenFacts);
        api.MapGet("/holds/{holdId:guid}", FindAsync).RequireAuthorization(Policies.DeskOrProvider).RequireScope(Silo.Access.Scopes.HoldsRead, Silo.Access.Scopes.ProposalsRead)
            .Produces<Silo.Offerings.HoldReads.HoldSummary>(200)
            .Describe("getHold", "One hold, as listHolds shows it (the Location of placeHold): to the desk of its region or the provider of its offering; 404 for anyone else. " + OpenFacts);
    }

    /// <summary>What an open hold carries besides the child's facts (issue 21), said once for both reads.</summary>
    private const string OpenFacts =
        "While a hold is active it also carries what the provider needs to decide: measureType (the court order, a code as in the requests API), " +
        "daysWaited (whole days since the child's measure started, as the desk counts the wait against the norms), whyThisPlace (the matcher's reasons for this child at this place, in Dutch, with the desk's " +
        "reason when it held the place outside its policy) and desk (the functional phone and mailbox of the child's region's desk; either may be null). " +
        "For an accepted, declined, expired or released hold these four are null.";

    private static async Task<IResult> PlaceAsync(Guid offeringId, HoldInput input, HttpContext context, HoldCommands commands)
    {
        if (!IdempotencyHeader.TryRead(context, $"placeHold {offeringId} {input.RequestId} {input.MatchingRoundId} {input.Parallel} {input.OutsidePolicyReason}", out var idempotency, out var problem))
            return problem!;
        var holds = await commands.PlaceAsync(Caller.Of(context).ToActor(), input.RequestId!.Value, offeringId, input.MatchingRoundId, idempotency,
            input.Parallel ?? false, input.OutsidePolicyReason);
        return TypedResults.Created($"/api/v1/holds/{holds[0].HoldId}", holds);
    }

    private static async Task<IResult> AcceptAsync(Guid holdId, AcceptInput input, HttpContext context, HoldCommands commands)
    {
        if (!IdempotencyHeader.TryRead(context, $"acceptHold {holdId} {input.StartDate:yyyy-MM-dd}", out var idempotency, out var problem))
            return problem!;
        // Siblings placed together all come from the accepted hold.
        return TypedResults.Ok(new AcceptResult(await commands.AcceptAsync(Caller.Of(context).ToActor(), holdId, input.StartDate!.Value, idempotency)));
    }

    private static async Task<IResult> DeclineAsync(Guid holdId, DeclineInput input, HttpContext context, HoldCommands commands)
    {
        if (!IdempotencyHeader.TryRead(context, $"declineHold {holdId} {input.Reason} {input.Note}", out var idempotency, out var problem))
            return problem!;
        await commands.DeclineAsync(Caller.Of(context).ToActor(), holdId, input.Reason ?? "", input.Note, idempotency);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> FindAsync(Guid holdId, HttpContext context, HoldReads holds) =>
        await holds.FindAsync(Caller.Of(context).ToActor(), holdId) is { } hold
            ? TypedResults.Ok(hold)
            : TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This hold does not exist or is not yours to see.");

    private static async Task<IResult> ListAsync(string? status, HttpContext context, HoldReads holds)
    {
        if (status is not null && !HoldReads.Statuses.Contains(status))
            return ApiProblems.Invalid("status", $"status must be one of {string.Join(", ", HoldReads.Statuses)}.");
        return TypedResults.Ok(await holds.ListAsync(Caller.Of(context).ToActor(), status ?? "active"));
    }
}
