using Matchmaker.Matching;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>A desk's requests (hulpvragen) for the children of its region, each owned by its request grain. Every read of a child's request is audited.</summary>
public static class RequestsApi
{
    public static readonly IReadOnlyList<string> Statuses = ["open", "placed", "withdrawn"];

    public static void MapRequestsApi(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("/regions/{regionCode}/requests").RequireAuthorization(Policies.Desk);
        requests.MapPost("", CreateAsync).RequireScope(Silo.Access.Scopes.RequestsWrite)
            .Produces<Silo.Requests.RequestView>(201).Refuses(Silo.Market.RuleCode.CaseReferenceTaken, Silo.Market.RuleCode.MunicipalityOutsideRegion, Silo.Market.RuleCode.HomePc4OutsideMunicipality).Describe("registerRequest", "Registers a request for a child of the region, under a pseudonymous case reference (never a name or BSN).");
        requests.MapGet("", ListAsync).RequireScope(Silo.Access.Scopes.RequestsRead)
            .Produces<List<Silo.Requests.RequestView>>(200).Describe("listRequests", "The region's requests by priority and waiting time (default: open). The read is audited.");
        requests.MapGet("/{requestId:guid}", GetAsync).RequireScope(Silo.Access.Scopes.RequestsRead)
            .Produces<Silo.Requests.RequestView>(200).Describe("getRequest", "One request of the region. The read is audited.");
        requests.MapPatch("/{requestId:guid}", UpdateAsync).RequireScope(Silo.Access.Scopes.RequestsWrite)
            .Produces<Silo.Requests.RequestView>(200).Refuses(Silo.Market.RuleCode.RequestNotOpen, Silo.Market.RuleCode.RequestChanged, Silo.Market.RuleCode.RequestEditedMeanwhile, Silo.Market.RuleCode.MunicipalityOutsideRegion, Silo.Market.RuleCode.HomePc4OutsideMunicipality).AcceptsIfMatch()
            .Describe("editRequest", "Edits an open request: the fields sent replace the stored ones, and the result is validated as a whole. With If-Match (the editTag you read, quoted) the edit is refused with 412 when the fields changed since.");
        requests.MapDelete("/{requestId:guid}", WithdrawAsync).RequireScope(Silo.Access.Scopes.RequestsWrite)
            .Produces(204).Refuses(Silo.Market.RuleCode.RequestNotOpen, Silo.Market.RuleCode.RequestChanged).Describe("withdrawRequest", "Withdraws an open request and releases its holds. Optional reason (kept in the audit and the dossier): no-longer-needed, placed-elsewhere, measure-ended, duplicate, other.");
    }

    private static async Task<IResult> CreateAsync(string regionCode, RequestInput input, HttpContext context, IGrainFactory grains, RequestReads reads)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        var id = Guid.NewGuid();
        await grains.Request(regionCode, id).Register(caller.ToActor(), input);
        return TypedResults.Created($"/api/v1/regions/{regionCode}/requests/{id}", await reads.ReadAsync(regionCode, id));
    }

    private static async Task<IResult> ListAsync(string regionCode, string? status, string? careType, HttpContext context, RequestReads reads)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !Statuses.Contains(status)) errors["status"] = ["status is open, placed or withdrawn."];
        if (careType is not null && !CareTypes.All.Contains(careType)) errors["careType"] = [$"careType is one of {string.Join(", ", CareTypes.All.Order())}."];
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var list = await reads.ListByPriorityAsync(regionCode, status ?? "open", careType);
        await reads.AuditListedAsync(caller.ToActor(), regionCode, list);
        return TypedResults.Ok(list);
    }

    private static async Task<IResult> GetAsync(string regionCode, Guid requestId, HttpContext context, RequestReads reads)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        if (await reads.ReadAuditedAsync(caller.ToActor(), regionCode, requestId) is not { } request)
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This request does not exist or is not yours to see.");
        return TypedResults.Ok(request);
    }

    private static async Task<IResult> UpdateAsync(string regionCode, Guid requestId, RequestInput patch, HttpContext context, IGrainFactory grains,
        RequestReads reads)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        if (!IfMatchHeader.TryRead(context, out var readTags, out var problem)) return problem!;
        await grains.Request(regionCode, requestId).Edit(caller.ToActor(), patch, readTags);
        // The answer shows the child's request: a read like any other, in the audit (an edit that changed nothing wrote none).
        return TypedResults.Ok(await reads.ReadAuditedAsync(caller.ToActor(), regionCode, requestId));
    }

    private static async Task<IResult> WithdrawAsync(string regionCode, Guid requestId, string? reason, HttpContext context, IGrainFactory grains)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        await grains.Request(regionCode, requestId).Withdraw(caller.ToActor(), reason);
        return TypedResults.NoContent();
    }
}
