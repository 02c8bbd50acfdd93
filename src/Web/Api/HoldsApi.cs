using Dapper;
using FluentValidation;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>Holds on places: a desk places them (from a matching round or its own pick); the provider accepts or declines.</summary>
public static class HoldsApi
{
    /// <summary>
    /// <c>parallel</c>: a second (third …) hold for a child that already has one, deliberately. <c>outsidePolicyReason</c>:
    /// why the desk holds a place its region's policy rules out (outside the region, or not contracted); kept in the audit and the dossier.
    /// </summary>
    public sealed record HoldInput(Guid? RequestId, Guid? MatchingRoundId, bool? Parallel, string? OutsidePolicyReason);

    public sealed record AcceptInput(DateOnly? StartDate);

    public sealed record DeclineInput(string? Reason, string? Note);

    /// <summary>The placements the acceptance made (one per sibling); the provider ends them by these ids. No request ids: those are the desk's.</summary>
    public sealed record AcceptResult(IReadOnlyList<Guid> Placements);

    public static readonly IReadOnlyList<string> HoldStatuses = ["active", "accepted", "declined", "expired", "released"];

    /// <summary>Why a provider declines; kept for the shortage figures.</summary>
    public static readonly IReadOnlyList<string> DeclineReasons = ["no-capacity", "needs-not-met", "group-composition", "safety", "distance", "other"];

    public sealed class HoldInputValidator : AbstractValidator<HoldInput>
    {
        public HoldInputValidator()
        {
            RuleFor(x => x.RequestId).NotNull().WithMessage("requestId is required.");
        }
    }

    public sealed class AcceptInputValidator : AbstractValidator<AcceptInput>
    {
        public AcceptInputValidator(TimeProvider clock)
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            RuleFor(x => x.StartDate).NotNull().WithMessage("startDate is required.")
                .InclusiveBetween(today.AddDays(-90), today.AddYears(1))
                .WithMessage($"startDate lies between {today.AddDays(-90):yyyy-MM-dd} (90 days ago) and {today.AddYears(1):yyyy-MM-dd} (a year ahead).");
        }
    }

    public sealed class DeclineInputValidator : AbstractValidator<DeclineInput>
    {
        public DeclineInputValidator()
        {
            RuleFor(x => x.Reason).NotEmpty().WithMessage("reason is required.")
                .Must(r => DeclineReasons.Contains(r!)).When(x => !string.IsNullOrEmpty(x.Reason), ApplyConditionTo.CurrentValidator)
                .WithMessage($"reason must be one of {string.Join(", ", DeclineReasons)}.");
            RuleFor(x => x.Note).WithoutControlCharacters();
            RuleFor(x => x.Note).MaximumLength(2000).WithMessage("note is at most 2000 characters.");
            RuleFor(x => x.Note).NotEmpty().When(x => x.Reason == "other").WithMessage("note is required when the reason is other.");
        }
    }

    /// <summary>A hold as its reader may see it. A provider gets what it needs to decide (age, care, needs, distance, urgency), no case reference.</summary>
    public sealed class HoldView
    {
        public Guid HoldId { get; init; }
        public string RegionCode { get; init; } = "";
        public Guid OfferingId { get; init; }
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
        public string CareType { get; init; } = "";
        public string Urgency { get; init; } = "";
        public string Needs { get; init; } = "";
        public DateOnly BirthMonth { get; init; }
        public string Gender { get; init; } = "";
        public double HomeLat { get; init; }
        public double HomeLon { get; init; }
        public double LocationLat { get; init; }
        public double LocationLon { get; init; }
        public string? SiblingGroup { get; init; }
        public Guid? RequestId { get; set; }
        public string? CaseReference { get; set; }
        public string? DeclineReason { get; init; }
        public string ChildWishes { get; init; } = "";
        public string ParentWishes { get; init; } = "";
    }

    public sealed record HoldSummary(Guid HoldId, Guid OfferingId, string ProviderName, string LocationName, string Status, DateTimeOffset CreatedAt,
        DateTimeOffset ExpiresAt, string CareType, string Urgency, IReadOnlyList<string> Needs, int Age, string Gender, double DistanceKm,
        bool WithSiblings, string ChildWishes, string ParentWishes, Guid? RequestId, string? CaseReference, string? DeclineReason);

    private static readonly HoldInputValidator HoldValidator = new();
    private static readonly DeclineInputValidator DeclineValidator = new();

    public static void MapHoldsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/offerings/{offeringId:guid}/holds", PlaceAsync)
            .RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.HoldsWrite).Validate(HoldValidator).AcceptsIdempotencyKey()
            .Describe("placeHold", "Holds a unit for a child of the desk's region (one per open sibling) for the region's hold time. 409 when no unit is free, the place does not suit the child, the child already has a hold and parallel is not true, or the child has the region's maximum of parallel holds; 422 (code outside-policy-needs-reason) when the place is outside the region's policy and no outsidePolicyReason is given. With an Idempotency-Key header a retry returns the first result and takes no second unit.");
        api.MapPost("/holds/{holdId:guid}/accept", AcceptAsync)
            .RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.ProposalsAnswer).Validate(clock => new AcceptInputValidator(clock)).AcceptsIdempotencyKey()
            .Describe("acceptHold", "The provider accepts: the child (with siblings held at the same place) is placed from the start date, its other holds are released and its request closes. Takes an Idempotency-Key header.");
        api.MapPost("/holds/{holdId:guid}/decline", DeclineAsync)
            .RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.ProposalsAnswer).Validate(DeclineValidator).AcceptsIdempotencyKey()
            .Describe("declineHold", "The provider declines with a reason from the list (and a note); the unit is free again. Reasons feed the shortage figures. Takes an Idempotency-Key header.");
        api.MapGet("/holds", ListAsync).RequireAuthorization(Policies.DeskOrProvider).RequireScope(Silo.Access.Scopes.HoldsRead, Silo.Access.Scopes.ProposalsRead)
            .Describe("listHolds", "Holds by status (default active): a provider's proposals without the child's identity, or a desk's holds in its region.");
    }

    private static async Task<IResult> PlaceAsync(Guid offeringId, HoldInput input, HttpContext context, IGrainFactory grains)
    {
        if (!IdempotencyHeader.TryRead(context, $"placeHold {offeringId} {input.RequestId} {input.MatchingRoundId} {input.Parallel} {input.OutsidePolicyReason}", out var idempotency, out var problem))
            return problem!;
        var holds = await grains.PlaceHoldAsync(Caller.Of(context).ToActor(), input.RequestId!.Value, offeringId, input.MatchingRoundId, idempotency,
            input.Parallel ?? false, input.OutsidePolicyReason);
        return TypedResults.Created($"/api/v1/holds/{holds[0].HoldId}", holds);
    }

    private static async Task<IResult> AcceptAsync(Guid holdId, AcceptInput input, HttpContext context, Database database, IGrainFactory grains)
    {
        if (!IdempotencyHeader.TryRead(context, $"acceptHold {holdId} {input.StartDate:yyyy-MM-dd}", out var idempotency, out var problem))
            return problem!;
        await grains.AcceptHoldAsync(database, Caller.Of(context).ToActor(), holdId, input.StartDate!.Value, idempotency);
        await using var connection = await database.OpenAsync();
        // Siblings placed together all come from the accepted hold.
        var placements = await connection.QueryAsync<Guid>("SELECT id FROM placements WHERE hold_id = @holdId ORDER BY id", new { holdId });
        return TypedResults.Ok(new AcceptResult(placements.ToList()));
    }

    private static async Task<IResult> DeclineAsync(Guid holdId, DeclineInput input, HttpContext context, Database database, IGrainFactory grains)
    {
        if (!IdempotencyHeader.TryRead(context, $"declineHold {holdId} {input.Reason} {input.Note}", out var idempotency, out var problem))
            return problem!;
        await grains.DeclineHoldAsync(database, Caller.Of(context).ToActor(), holdId, input.Reason!, input.Note, idempotency);
        return TypedResults.NoContent();
    }

    private const string SelectHolds = """
        SELECT h.id AS HoldId, h.region_code AS RegionCode, h.offering_id AS OfferingId, p.name AS ProviderName, l.name AS LocationName, h.status AS Status,
               h.created_at AS CreatedAt, h.expires_at AS ExpiresAt, r.care_type AS CareType, r.urgency AS Urgency, r.needs AS Needs,
               r.birth_month AS BirthMonth, r.gender AS Gender, r.home_lat AS HomeLat, r.home_lon AS HomeLon,
               l.lat AS LocationLat, l.lon AS LocationLon, h.sibling_group AS SiblingGroup,
               r.id AS RequestId, r.case_reference AS CaseReference, h.decline_reason AS DeclineReason,
               r.child_wishes AS ChildWishes, r.parent_wishes AS ParentWishes
        FROM holds h
        JOIN requests r ON r.id = h.request_id
        JOIN offerings o ON o.id = h.offering_id
        JOIN organisations p ON p.id = o.provider_id
        JOIN locations l ON l.id = o.location_id
        """;

    private static async Task<IResult> ListAsync(string? status, HttpContext context, Database database, Journal journal, TimeProvider clock)
    {
        var caller = Caller.Of(context);
        if (status is not null && !HoldStatuses.Contains(status))
            return ApiProblems.Invalid("status", $"status must be one of {string.Join(", ", HoldStatuses)}.");
        return TypedResults.Ok(await ReadHoldsAsync(caller, status ?? "active", database, journal, clock));
    }

    /// <summary>A provider sees the holds on its own offerings, without identity; a desk those of its region.</summary>
    public static async Task<List<HoldSummary>> ReadHoldsAsync(Caller caller, string status, Database database, Journal journal, TimeProvider clock)
    {
        var isProvider = caller.Role == Roles.Provider;
        await using var connection = await database.OpenAsync();
        var holds = (await connection.QueryAsync<HoldView>(SelectHolds + (isProvider
                ? " WHERE o.provider_id = @organisationId AND h.status = @status ORDER BY h.expires_at, h.id"
                : " WHERE h.region_code = @regionCode AND h.status = @status ORDER BY h.expires_at, h.id"),
            new { organisationId = caller.OrganisationId, regionCode = caller.RegionCode, status })).ToList();
        if (!isProvider && holds.Count > 0)
            // A desk sees the case references: that is a read of the children's requests.
            await journal.AuditAsync(connection, null, caller.ToActor(), "holds-listed", "request", null, caller.RegionCode,
                string.Join(",", holds.Select(h => h.CaseReference).Distinct()));
        else if (isProvider && holds.Count > 0)
            // A provider sees each child's needs and wishes (not who it is): recorded per proposal, in the child's region.
            foreach (var region in holds.GroupBy(h => h.RegionCode))
                await journal.AuditAsync(connection, null, caller.ToActor(), "proposals-read", "hold", null, region.Key,
                    string.Join(",", region.Select(h => h.HoldId)));
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return holds.Select(h => new HoldSummary(h.HoldId, h.OfferingId, h.ProviderName, h.LocationName, h.Status, h.CreatedAt,
            h.ExpiresAt, h.CareType, h.Urgency, MarketRows.Split(h.Needs), MarketRows.Age(h.BirthMonth, today),
            h.Gender, Math.Round(Matching.Geo.DistanceKm(h.HomeLat, h.HomeLon, h.LocationLat, h.LocationLon), 1), h.SiblingGroup is not null,
            h.ChildWishes, h.ParentWishes, isProvider ? null : h.RequestId, isProvider ? null : h.CaseReference, h.DeclineReason)).ToList();
    }
}
