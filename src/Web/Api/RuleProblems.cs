using System.Text.RegularExpressions;
using Matchmaker.Silo.Market;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaker.Web.Api;

/// <summary>
/// A refusal as systems read it: the rule code decides the status and title (never the engine's prose); the problem
/// carries the code (<c>place-taken</c>) and, when the rule concerns an input, that field's error.
/// </summary>
public static partial class RuleProblems
{
    public static (int Status, string Title) Of(RuleCode code) => code switch
    {
        RuleCode.NotFound => (404, "Not found"),
        RuleCode.InvalidInput => (400, "The request is not valid"),
        RuleCode.UnitsOutOfRange => (400, "The request is not valid"),
        RuleCode.CaseReferenceTaken => (400, "The request is not valid"),
        RuleCode.MunicipalityOutsideRegion => (400, "The request is not valid"),
        RuleCode.HomePc4OutsideMunicipality => (400, "The request is not valid"),
        RuleCode.IdempotencyKeyReused => (422, "Idempotency-Key reused"),
        RuleCode.OutsidePolicyNeedsReason => (422, "Outside the region's policy"),
        RuleCode.OnBehalfNeedsReason => (422, "On the region's behalf"),
        RuleCode.Busy => (503, "Busy"),
        RuleCode.PlaceTaken => (409, "Place taken"),
        RuleCode.PlaceUnsuitable => (409, "Place does not suit the child"),
        RuleCode.UnitsHeld => (409, "Units are held"),
        RuleCode.NoUnitToStep => (409, "No unit to step"),
        RuleCode.StartBeforeMeasure => (400, "The request is not valid"),
        RuleCode.HoldNotActive => (409, "Hold no longer active"),
        RuleCode.PlacementCannotEnd => (409, "Placement cannot end so"),
        RuleCode.AlreadyHeldHere => (409, "Already held"),
        RuleCode.TooManyHolds => (409, "Too many holds"),
        RuleCode.ParallelHoldNeedsConfirmation => (409, "Child already held"),
        RuleCode.RequestChanged => (409, "Request changed"),
        RuleCode.RequestClosed => (409, "Request closed"),
        RuleCode.RequestNotOpen => (409, "Request not open"),
        RuleCode.AlreadyEscalated => (409, "Already escalated"),
        RuleCode.NoExpertiseNetwork => (409, "No expertise network"),
        RuleCode.SiblingsHeld => (409, "Siblings held together"),
        RuleCode.SheetPlanUnknown => (404, "Not found"),
        RuleCode.SheetPlanStale => (409, "Changed since read"),
        RuleCode.RequestEditedMeanwhile => (412, "Changed since read"),
        RuleCode.WebhookUrlNotAllowed => (400, "The request is not valid"),
        RuleCode.TooManyWebhooks => (409, "Too many webhooks"),
        _ => (409, "Refused"),
    };

    /// <summary>What the rule means, as the OpenAPI document's example of its refusal says it.</summary>
    public static string Explain(RuleCode code) => code switch
    {
        RuleCode.NotFound => "This does not exist, or is not yours to see.",
        RuleCode.InvalidInput => "The request is not valid.",
        RuleCode.UnitsOutOfRange => "Units are whole numbers from 0 to 10,000, and occupied units cannot exceed the total.",
        RuleCode.CaseReferenceTaken => "Your organisation already filed a request under this case reference.",
        RuleCode.MunicipalityOutsideRegion => "This municipality is not in the region.",
        RuleCode.HomePc4OutsideMunicipality => "The home PC4 does not lie in or near the chosen municipality (homePc4).",
        RuleCode.IdempotencyKeyReused => "This Idempotency-Key was sent before with another request.",
        RuleCode.OutsidePolicyNeedsReason => "This place is outside the region's policy (another region, or not contracted): give outsidePolicyReason to hold it deliberately.",
        RuleCode.OnBehalfNeedsReason => "A hold on the region's behalf needs a reason.",
        RuleCode.Busy => "The owner of this data kept losing a race; nothing changed. Try again.",
        RuleCode.PlaceTaken => "No unit of this offering is free any more.",
        RuleCode.PlaceUnsuitable => "This place does not suit the child (care type, age, gender, security, needs or distance).",
        RuleCode.UnitsHeld => "Held units would no longer fit in the new figures.",
        RuleCode.NoUnitToStep => "There is no free unit to take away.",
        RuleCode.StartBeforeMeasure => "A placement cannot start before the child's measure did (startDate).",
        RuleCode.HoldNotActive => "This hold is no longer active (accepted, declined, released or expired).",
        RuleCode.PlacementCannotEnd => "This placement has ended already, or cannot end on that date.",
        RuleCode.AlreadyHeldHere => "The child already has a hold on this offering.",
        RuleCode.TooManyHolds => "The child has the region's maximum of parallel holds.",
        RuleCode.ParallelHoldNeedsConfirmation => "The child already has a hold elsewhere: send parallel=true to hold this one too.",
        RuleCode.RequestChanged => "The request changed while this was decided; read it again and retry.",
        RuleCode.RequestClosed => "The request is closed.",
        RuleCode.RequestNotOpen => "The request is not open.",
        RuleCode.AlreadyEscalated => "The request is escalated already.",
        RuleCode.NoExpertiseNetwork => "The region has no expertise network to escalate to.",
        RuleCode.SiblingsHeld => "Siblings of this group are held together; release that hold first.",
        RuleCode.SheetPlanUnknown => "This upload's plan is not known (or was applied already).",
        RuleCode.SheetPlanStale => "The figures changed since the upload was read; upload again.",
        RuleCode.RequestEditedMeanwhile => "The request's fields changed since the editTag given in If-Match; read it again and edit what it is now.",
        RuleCode.WebhookUrlNotAllowed => "A webhook URL is https to a host that is and resolves to public addresses only.",
        RuleCode.TooManyWebhooks => "The owner has its 10 webhook subscriptions already: delete one first.",
        _ => "Refused by a rule of the market.",
    };

    /// <summary>The code as it appears on the wire: <c>PlaceTaken</c> becomes <c>place-taken</c>.</summary>
    public static string Name(RuleCode code) => Words().Replace(code.ToString(), "-$1").ToLowerInvariant();

    public static ProblemDetails For(MarketRuleException refusal)
    {
        var (status, title) = Of(refusal.Code);
        var errors = refusal.Errors?.ToDictionary(e => e.Key, e => e.Value)
            ?? (refusal.Field is { } field ? new Dictionary<string, string[]> { [field] = [refusal.Message] } : null);
        ProblemDetails problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = title;
        problem.Detail = refusal.Errors is { } all ? string.Join(" ", all.Values.SelectMany(e => e).Distinct()) : refusal.Message;
        problem.Extensions["code"] = Name(refusal.Code);
        return problem;
    }

    /// <summary>The refusal as an endpoint's result.</summary>
    public static IResult Result(MarketRuleException refusal)
    {
        var problem = For(refusal);
        return problem is HttpValidationProblemDetails validation
            ? TypedResults.Problem(validation)
            : TypedResults.Problem(problem);
    }

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex Words();
}
