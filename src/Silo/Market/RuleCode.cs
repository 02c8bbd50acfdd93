namespace Matchmaker.Silo.Market;

/// <summary>
/// Why the engine refused a change. The owner of the data (a grain, or the pure matching library) judges the rule and
/// refuses with its code and the field it concerns; the API maps the code to a status and problem, pages to a Dutch
/// sentence beside the field. Nothing matches on titles or prose. Never renumber: codes travel between nodes.
/// </summary>
public enum RuleCode
{
    /// <summary>The thing does not exist, or is not the caller's to see (always the same answer, so nothing leaks).</summary>
    NotFound = 0,
    /// <summary>Field errors: the input itself is wrong (<see cref="MarketRuleException.Errors"/>).</summary>
    InvalidInput = 1,
    /// <summary>An Idempotency-Key was sent again with another request.</summary>
    IdempotencyKeyReused = 2,
    /// <summary>The owner kept losing a race on its row; nothing changed, try again.</summary>
    Busy = 3,

    // An offering's units
    PlaceTaken = 10,
    PlaceUnsuitable = 11,
    UnitsHeld = 12,
    UnitsOutOfRange = 13,
    HoldNotActive = 14,
    PlacementCannotEnd = 15,
    NoUnitToStep = 16,
    /// <summary>A placement cannot start before the child's measure did (field <c>startDate</c>).</summary>
    StartBeforeMeasure = 17,

    // A child's holds
    AlreadyHeldHere = 20,
    TooManyHolds = 21,
    ParallelHoldNeedsConfirmation = 22,
    OutsidePolicyNeedsReason = 23,
    RequestChanged = 24,
    RequestClosed = 25,
    OnBehalfNeedsReason = 26,

    // A child's request
    CaseReferenceTaken = 30,
    MunicipalityOutsideRegion = 31,
    RequestNotOpen = 32,
    AlreadyEscalated = 33,
    NoExpertiseNetwork = 34,
    SiblingsHeld = 35,
    /// <summary>The home PC4 cannot lie in the chosen municipality (its area is too far from it, or unknown; field <c>homePc4</c>).</summary>
    HomePc4OutsideMunicipality = 36,
    /// <summary>The request's editable fields changed since the desk read them (field <c>editTag</c>): read it again.</summary>
    RequestEditedMeanwhile = 37,

    // A provider's spreadsheet
    SheetPlanUnknown = 40,
    SheetPlanStale = 41,

    // A system's webhooks
    /// <summary>The URL is not https, or its host is or resolves to an address a webhook may not reach (field <c>url</c>).</summary>
    WebhookUrlNotAllowed = 50,
    /// <summary>The owner (a provider's organisation, a desk's region) has its maximum of subscriptions.</summary>
    TooManyWebhooks = 51,
}
