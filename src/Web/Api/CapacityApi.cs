using FluentValidation;
using Matchmaker.Silo.Offerings;
using Matchmaker.Silo.Grains;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>Live capacity: what a region may use and how fresh each figure is; providers keep their own figures current.</summary>
public static class CapacityApi
{
    public sealed record CapacityInput(int? TotalUnits, int? OccupiedUnits, DateOnly? EarliestStart = null);

    /// <summary>What the body must hold; the offering's grain judges the figures themselves (<see cref="Silo.Offerings.CapacityFigures"/>).</summary>
    public sealed class CapacityInputValidator : AbstractValidator<CapacityInput>
    {
        public CapacityInputValidator()
        {
            RuleFor(x => x.TotalUnits).NotNull().WithMessage("totalUnits is required.");
            RuleFor(x => x.OccupiedUnits).NotNull().WithMessage("occupiedUnits is required.");
        }
    }

    public static void MapCapacityApi(this RouteGroupBuilder api)
    {
        api.MapGet("/regions/{regionCode}/availability", GetAvailabilityAsync).RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.CapacityRead, Silo.Access.Scopes.HoldsWrite)
            .Produces<AvailabilityPage>(200).Describe("getAvailability", "Offerings the region may use under its policy, with free units, how fresh each figure is, its version, and the event cursor for live updates. Paged (pageSize up to 500, default 100; next is the following page); freeOnly=true leaves out offerings without a free unit.");
        api.MapGet("/offerings", ListOwnOfferingsAsync).RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.CapacityRead)
            .Produces<List<Silo.Offerings.AvailableOffering>>(200).Describe("listOwnOfferings", "The calling provider's own offerings with their counts and freshness.");
        api.MapPut("/offerings/{offeringId:guid}/capacity", async (Guid offeringId, CapacityInput input, HttpContext context, IGrainFactory grains) =>
                TypedResults.Ok(await grains.GetGrain<IOfferingGrain>(offeringId)
                    .SetCapacity(Caller.Of(context).ToActor(), input.TotalUnits!.Value, input.OccupiedUnits!.Value, input.EarliestStart)))
            .RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.CapacityWrite).Validate(new CapacityInputValidator())
            .Produces<Silo.Grains.OfferingState>(200).Refuses(Silo.Market.RuleCode.UnitsOutOfRange, Silo.Market.RuleCode.UnitsHeld).Describe("setCapacity", "Sets total and occupied units (and the earliest start of a slot); this also confirms the figures. 409 when held units would no longer fit.");
        api.MapPost("/offerings/{offeringId:guid}/confirm", async (Guid offeringId, HttpContext context, IGrainFactory grains) =>
                TypedResults.Ok(await grains.GetGrain<IOfferingGrain>(offeringId).Confirm(Caller.Of(context).ToActor())))
            .RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.CapacityWrite)
            .Produces<Silo.Grains.OfferingState>(200).Describe("confirmCapacity", "Confirms that the figures are still accurate, without changing them.");
    }

    public const int LargestPage = 500;

    /// <summary>One page of availability; <c>next</c> is the URL of the following page while there is one.</summary>
    public sealed record AvailabilityPage(string RegionCode, DateTimeOffset AsOf, long EventCursor, double StaleAfterHours, int Total, int Page,
        int PageSize, string? Next, IReadOnlyList<AvailableOffering> Offerings);

    private static async Task<IResult> GetAvailabilityAsync(string regionCode, string? careType, bool? freeOnly, int? page, int? pageSize,
        HttpContext context, OfferingReads offerings)
    {
        if (!Caller.Of(context).IsDeskOf(regionCode))
            return ApiProblems.RegionNotFound(regionCode);
        // An empty careType (a form's "all care types") is no filter, as on the figures' endpoints.
        careType = string.IsNullOrEmpty(careType) ? null : careType;
        var errors = new Dictionary<string, string[]>();
        if (careType is not null && !Matching.CareTypes.All.Contains(careType)) errors["careType"] = [$"careType is one of {string.Join(", ", Matching.CareTypes.All.Order())}."];
        if (page is < 1 or > 100_000) errors["page"] = ["page is 1 to 100000."];
        if (pageSize is < 1 or > LargestPage) errors["pageSize"] = [$"pageSize is between 1 and {LargestPage}."];
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var all = await offerings.AvailabilityAsync(regionCode, careType);
        var matching = freeOnly == true ? all.Offerings.Where(o => o.FreeUnits > 0).ToList() : all.Offerings;
        var (number, size) = (page ?? 1, pageSize ?? 100);
        var next = number * size < matching.Count
            ? $"/api/v1/regions/{regionCode}/availability?page={number + 1}&pageSize={size}{(careType is null ? "" : $"&careType={careType}")}{(freeOnly == true ? "&freeOnly=true" : "")}"
            : null;
        return TypedResults.Ok(new AvailabilityPage(all.RegionCode, all.AsOf, all.EventCursor, all.StaleAfterHours, matching.Count, number, size, next,
            matching.Skip((number - 1) * size).Take(size).ToList()));
    }

    private static async Task<IResult> ListOwnOfferingsAsync(HttpContext context, OfferingReads offerings) =>
        TypedResults.Ok(await offerings.OwnAsync(Caller.Of(context).OrganisationId ?? Guid.Empty));
}
