using FluentValidation;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// A provider's own system sets the figures of all its offerings in one call. Each row goes through its offering's
/// single owner (so a feed and a desk's hold never race), counts as a confirmation, and stands or falls on its own:
/// the answer has a result per row. Sending the same feed again changes nothing more (PUT).
/// </summary>
public static class CapacityFeedApi
{
    public const int LargestFeed = 1000;

    public sealed record FeedRow(Guid? OfferingId, int? TotalUnits, int? OccupiedUnits, DateOnly? EarliestStart);

    public sealed record Feed(IReadOnlyList<FeedRow>? Offerings);

    /// <summary><c>accepted</c>, or <c>refused</c> with a reason: invalid (see errors), unknown-offering, held-units, duplicate.</summary>
    public sealed record RowResult(Guid? OfferingId, string Status, string? Reason, string? Detail, int? FreeUnits,
        IDictionary<string, string[]>? Errors);

    public sealed record FeedResult(int Accepted, int Refused, IReadOnlyList<RowResult> Results);

    public sealed class FeedValidator : AbstractValidator<Feed>
    {
        public FeedValidator() =>
            RuleFor(x => x.Offerings).NotEmpty().WithMessage("offerings is required: one row per offering.")
                .Must(rows => rows!.Count <= LargestFeed).When(x => x.Offerings is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage($"A feed has at most {LargestFeed} rows; send larger ones in parts.")
                .Must(rows => rows!.All(row => row is not null)).When(x => x.Offerings is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage("Every row of offerings is an object with offeringId, totalUnits and occupiedUnits; null is not a row.");
    }

    private static readonly FeedValidator Validator = new();

    public static void MapCapacityFeedApi(this RouteGroupBuilder api) =>
        api.MapPut("/providers/me/capacity", FeedAsync)
            .RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.CapacityWrite).Validate(Validator)
            .Produces<FeedResult>(200).Describe("feedCapacity", "Sets total and occupied units (and the earliest start of a slot) of the calling provider's offerings, one row each; every accepted row also confirms its figures. Each row is applied or refused on its own (invalid, unknown-offering, held-units, duplicate), with a result per row.");

    private static async Task<IResult> FeedAsync(Feed feed, HttpContext context, IGrainFactory grains)
    {
        var provider = Caller.Of(context).ToActor();
        var rowValidator = new CapacityApi.CapacityInputValidator();
        var seen = feed.Offerings!.Where(r => r.OfferingId is not null).GroupBy(r => r.OfferingId).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var results = await Task.WhenAll(feed.Offerings!.Select(async row =>
        {
            if (row.OfferingId is not { } offeringId)
                return Refused(null, "invalid", "offeringId is required.", new Dictionary<string, string[]> { ["offeringId"] = ["offeringId is required."] });
            if (seen.Contains(offeringId))
                return Refused(offeringId, "duplicate", "This offering appears more than once in the feed; none of its rows is applied.");
            var validation = rowValidator.Validate(new CapacityApi.CapacityInput(row.TotalUnits, row.OccupiedUnits, row.EarliestStart));
            if (!validation.IsValid)
                return Refused(offeringId, "invalid", string.Join(" ", validation.Errors.Select(e => e.ErrorMessage).Distinct()), validation.ToDictionary());
            try
            {
                var state = await grains.GetGrain<IOfferingGrain>(offeringId)
                    .SetCapacity(provider, row.TotalUnits!.Value, row.OccupiedUnits!.Value, row.EarliestStart);
                return new RowResult(offeringId, "accepted", null, null, state.FreeUnits, null);
            }
            catch (MarketRuleException e)
            {
                return e.Code switch
                {
                    RuleCode.NotFound => Refused(offeringId, "unknown-offering", e.Message),
                    RuleCode.UnitsHeld => Refused(offeringId, "held-units", e.Message),
                    RuleCode.UnitsOutOfRange => Refused(offeringId, "invalid", e.Message, e.Errors?.ToDictionary(x => x.Key, x => x.Value)),
                    _ => Refused(offeringId, RuleProblems.Name(e.Code), e.Message),
                };
            }
        }));
        var accepted = results.Count(r => r.Status == "accepted");
        return TypedResults.Ok(new FeedResult(accepted, results.Length - accepted, results));
    }

    private static RowResult Refused(Guid? offeringId, string reason, string detail, IDictionary<string, string[]>? errors = null) =>
        new(offeringId, "refused", reason, detail, null, errors);
}
