using Dapper;
using FluentValidation;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>Live capacity: what a region may use and how fresh each figure is; providers keep their own figures current.</summary>
public static class CapacityApi
{
    public sealed record CapacityInput(int? TotalUnits, int? OccupiedUnits, DateOnly? EarliestStart);

    public sealed class CapacityInputValidator : AbstractValidator<CapacityInput>
    {
        public CapacityInputValidator(TimeProvider clock)
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            RuleFor(x => x.EarliestStart).InclusiveBetween(today.AddYears(-1), today.AddYears(2))
                .WithMessage($"earliestStart lies between {today.AddYears(-1):yyyy-MM-dd} and {today.AddYears(2):yyyy-MM-dd}.");
            RuleFor(x => x.TotalUnits).NotNull().WithMessage("totalUnits is required.")
                .GreaterThanOrEqualTo(0).WithMessage("totalUnits cannot be negative.")
                .LessThanOrEqualTo(10_000).WithMessage("totalUnits is implausibly large (more than 10,000).");
            RuleFor(x => x.OccupiedUnits).NotNull().WithMessage("occupiedUnits is required.")
                .GreaterThanOrEqualTo(0).WithMessage("occupiedUnits cannot be negative.");
            RuleFor(x => x.OccupiedUnits).LessThanOrEqualTo(x => x.TotalUnits).When(x => x.TotalUnits is not null && x.OccupiedUnits is not null)
                .WithMessage("occupiedUnits cannot be above totalUnits.");
        }
    }

    public sealed class AvailableOffering
    {
        public Guid OfferingId { get; init; }
        public Guid ProviderId { get; init; }
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string Municipality { get; init; } = "";
        public string LocationRegion { get; init; } = "";
        public string CareType { get; init; } = "";
        public int MinAge { get; init; }
        public int MaxAge { get; init; }
        public bool Secure { get; init; }
        public string Genders { get; init; } = "";
        public string Specialisms { get; init; } = "";
        public int TotalUnits { get; init; }
        public int OccupiedUnits { get; init; }
        public int HeldUnits { get; init; }
        public int FreeUnits { get; init; }
        public DateOnly? EarliestStart { get; init; }
        public DateTimeOffset LastConfirmedAt { get; init; }
        public double ConfirmedHoursAgo { get; set; }
        public bool Stale { get; set; }
        public long Version { get; init; }
        public bool Contracted { get; init; }
        /// <summary>Where the location is (for the distance to a child and the map).</summary>
        public double Lat { get; init; }
        public double Lon { get; init; }
        public Guid LocationId { get; init; }
        /// <summary>The location's intake contact, as its provider keeps it (null when not given).</summary>
        public string? ContactPhone { get; init; }
        public string? ContactEmail { get; init; }
    }

    public sealed record Availability(string RegionCode, DateTimeOffset AsOf, long EventCursor, double StaleAfterHours, IReadOnlyList<AvailableOffering> Offerings);

    public static void MapCapacityApi(this RouteGroupBuilder api)
    {
        api.MapGet("/regions/{regionCode}/availability", GetAvailabilityAsync).RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.CapacityRead, Silo.Access.Scopes.HoldsWrite)
            .Describe("getAvailability", "Offerings the region may use under its policy, with free units, how fresh each figure is, its version, and the event cursor for live updates. Paged (pageSize up to 500, default 100; next is the following page); freeOnly=true leaves out offerings without a free unit.");
        api.MapGet("/offerings", ListOwnOfferingsAsync).RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.CapacityRead)
            .Describe("listOwnOfferings", "The calling provider's own offerings with their counts and freshness.");
        api.MapPut("/offerings/{offeringId:guid}/capacity", async (Guid offeringId, CapacityInput input, HttpContext context, IGrainFactory grains) =>
                TypedResults.Ok(await grains.GetGrain<IOfferingGrain>(offeringId)
                    .SetCapacity(Caller.Of(context).ToActor(), input.TotalUnits!.Value, input.OccupiedUnits!.Value, input.EarliestStart)))
            .RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.CapacityWrite).Validate(clock => new CapacityInputValidator(clock))
            .Describe("setCapacity", "Sets total and occupied units (and the earliest start of a slot); this also confirms the figures. 409 when held units would no longer fit.");
        api.MapPost("/offerings/{offeringId:guid}/confirm", async (Guid offeringId, HttpContext context, IGrainFactory grains) =>
                TypedResults.Ok(await grains.GetGrain<IOfferingGrain>(offeringId).Confirm(Caller.Of(context).ToActor())))
            .RequireAuthorization(Policies.Provider).RequireScope(Silo.Access.Scopes.CapacityWrite)
            .Describe("confirmCapacity", "Confirms that the figures are still accurate, without changing them.");
    }

    private const string SelectOfferings = """
        SELECT o.id AS OfferingId, o.provider_id AS ProviderId, p.name AS ProviderName, l.name AS LocationName, m.name AS Municipality,
               m.region_code AS LocationRegion, o.care_type AS CareType, o.min_age AS MinAge, o.max_age AS MaxAge, o.secure AS Secure,
               o.genders AS Genders, o.specialisms AS Specialisms, o.total_units AS TotalUnits, o.occupied_units AS OccupiedUnits, o.held_units AS HeldUnits,
               o.total_units - o.occupied_units - o.held_units AS FreeUnits, o.earliest_start AS EarliestStart,
               o.last_confirmed_at AS LastConfirmedAt, o.version AS Version, l.lat AS Lat, l.lon AS Lon,
               l.id AS LocationId, lc.phone AS ContactPhone, lc.email AS ContactEmail
        """;

    /// <summary>The offerings a region may use under its policy (in the region, or outside it if allowed; contracted, unless allowed otherwise).</summary>
    public static async Task<Availability> ReadAvailabilityAsync(Database database, string regionCode, string? careType, TimeProvider clock, IConfiguration configuration)
    {
        await using var connection = await database.OpenAsync();
        var cursor = await connection.ExecuteScalarAsync<long>("SELECT coalesce(max(id), 0) FROM outbox");
        var offerings = (await connection.QueryAsync<AvailableOffering>($"""
            {SelectOfferings}, (c.region_code IS NOT NULL AND c.budget_ceiling_reached = false) AS Contracted
            FROM offerings o
            JOIN locations l ON l.id = o.location_id
            LEFT JOIN location_contacts lc ON lc.location_id = l.id
            JOIN municipalities m ON m.id = l.municipality_id
            JOIN organisations p ON p.id = o.provider_id
            JOIN regions r ON r.code = @regionCode
            LEFT JOIN contracts c ON c.offering_id = o.id AND c.region_code = @regionCode
            WHERE (r.allow_out_of_region = true OR m.region_code = @regionCode)
              AND (r.allow_non_contracted = true OR (c.region_code IS NOT NULL AND c.budget_ceiling_reached = false))
              AND (@careType IS NULL OR o.care_type = @careType)
            ORDER BY o.care_type, o.id
            """, new { regionCode, careType })).ToList();
        return new Availability(regionCode, clock.GetUtcNow(), cursor, StaleAfterHours(configuration), WithFreshness(offerings, clock, configuration));
    }

    public const int LargestPage = 500;

    /// <summary>One page of availability; <c>next</c> is the URL of the following page while there is one.</summary>
    public sealed record AvailabilityPage(string RegionCode, DateTimeOffset AsOf, long EventCursor, double StaleAfterHours, int Total, int Page,
        int PageSize, string? Next, IReadOnlyList<AvailableOffering> Offerings);

    private static async Task<IResult> GetAvailabilityAsync(string regionCode, string? careType, bool? freeOnly, int? page, int? pageSize,
        HttpContext context, Database database, TimeProvider clock, IConfiguration configuration)
    {
        if (!Caller.Of(context).IsDeskOf(regionCode))
            return ApiProblems.RegionNotFound(regionCode);
        var errors = new Dictionary<string, string[]>();
        if (careType is not null && !Matching.CareTypes.All.Contains(careType)) errors["careType"] = [$"careType is one of {string.Join(", ", Matching.CareTypes.All.Order())}."];
        if (page is < 1 or > 100_000) errors["page"] = ["page is 1 or more."];
        if (pageSize is < 1 or > LargestPage) errors["pageSize"] = [$"pageSize is between 1 and {LargestPage}."];
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var all = await ReadAvailabilityAsync(database, regionCode, careType, clock, configuration);
        var matching = freeOnly == true ? all.Offerings.Where(o => o.FreeUnits > 0).ToList() : all.Offerings;
        var (number, size) = (page ?? 1, pageSize ?? 100);
        var next = number * size < matching.Count
            ? $"/api/v1/regions/{regionCode}/availability?page={number + 1}&pageSize={size}{(careType is null ? "" : $"&careType={careType}")}{(freeOnly == true ? "&freeOnly=true" : "")}"
            : null;
        return TypedResults.Ok(new AvailabilityPage(all.RegionCode, all.AsOf, all.EventCursor, all.StaleAfterHours, matching.Count, number, size, next,
            matching.Skip((number - 1) * size).Take(size).ToList()));
    }

    private static async Task<IResult> ListOwnOfferingsAsync(HttpContext context, Database database, TimeProvider clock, IConfiguration configuration) =>
        TypedResults.Ok(await ReadOwnOfferingsAsync(Caller.Of(context), database, clock, configuration));

    /// <summary>A provider's own offerings, with freshness.</summary>
    public static async Task<List<AvailableOffering>> ReadOwnOfferingsAsync(Caller caller, Database database, TimeProvider clock, IConfiguration configuration)
    {
        await using var connection = await database.OpenAsync();
        var offerings = (await connection.QueryAsync<AvailableOffering>($"""
            {SelectOfferings}, true AS Contracted
            FROM offerings o
            JOIN locations l ON l.id = o.location_id
            LEFT JOIN location_contacts lc ON lc.location_id = l.id
            JOIN municipalities m ON m.id = l.municipality_id
            JOIN organisations p ON p.id = o.provider_id
            WHERE o.provider_id = @providerId
            ORDER BY l.name, o.care_type, o.id
            """, new { providerId = caller.OrganisationId })).ToList();
        return WithFreshness(offerings, clock, configuration);
    }

    public static double StaleAfterHours(IConfiguration configuration) => configuration.GetValue("Availability:StaleAfterHours", 72.0);

    private static List<AvailableOffering> WithFreshness(List<AvailableOffering> offerings, TimeProvider clock, IConfiguration configuration)
    {
        var now = clock.GetUtcNow();
        var staleAfter = StaleAfterHours(configuration);
        foreach (var offering in offerings)
        {
            offering.ConfirmedHoursAgo = Math.Round((now - offering.LastConfirmedAt).TotalHours, 1);
            offering.Stale = offering.ConfirmedHoursAgo > staleAfter;
        }
        return offerings;
    }
}
