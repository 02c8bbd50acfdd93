using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;
using Matchmaker.Web.Infrastructure;
using Scopes = Matchmaker.Silo.Access.Scopes;

namespace Matchmaker.Web.Api;

/// <summary>
/// The caseworker's follow-up of a child they filed, for a GI's system: read where it stands, add information for the
/// desk, change the urgency with a reason (on the version read), withdraw with a reason. The same operations of the
/// request grain as the caseworker's page: the grain allows them only to the caseworker who filed the child, and
/// judges every rule; here only the body is bound. Another caseworker's child answers 404, as if it did not exist.
/// </summary>
public static class FollowUpApi
{
    /// <summary>Where the child stands, as the caseworker may know it; <c>version</c> is what a change of urgency names.</summary>
    public sealed record FollowedChild(Guid RequestId, string CaseReference, string RegionName, string Status, string Urgency, long Version);

    public sealed record InformationInput(string? Text);

    /// <summary><c>version</c>: the request's version the caseworker read (from getFollowedRequest or a previous change).</summary>
    public sealed record UrgencyInput(string? Urgency, string? Reason, long? Version);

    public sealed record UrgencyChanged(string Urgency, long Version);

    public sealed record WithdrawalInput(string? Reason);

    private const string Base = "/caseworkers/me/requests/{requestId:guid}";

    public static void MapFollowUpApi(this RouteGroupBuilder api)
    {
        var followed = api.MapGroup(Base).RequireAuthorization(Policies.Caseworker);
        followed.MapGet("", GetAsync).RequireScope(Scopes.FollowUpRead)
            .Produces<FollowedChild>(200).Describe("getFollowedRequest",
                "A child the caller filed: status, urgency and the version a change of urgency names. Another caseworker's child answers 404. The read is audited.");
        followed.MapPost("/information", InformationAsync).RequireScope(Scopes.FollowUpInform).AcceptsIdempotencyKey()
            .Produces<InformationAdded>(201).Refuses(RuleCode.RequestNotOpen)
            .Describe("addFollowUpInformation",
                $"Adds information for the desk to the dossier of an open request the caller filed (text, at most {RequestGrain.MaxInformationLength} characters of plain text); the desk's open dossier shows it at once. Answers the request's new version. 409 when the request is no longer open. With an Idempotency-Key header a retry returns the first result and adds no second note.");
        followed.MapPut("/urgency", UrgencyAsync).RequireScope(Scopes.FollowUpUrgency)
            .Produces<UrgencyChanged>(200).Refuses(RuleCode.RequestNotOpen, RuleCode.RequestChanged)
            .Describe("changeFollowUpUrgency",
                "Changes the urgency (crisis, urgent, regular) of an open request the caller filed, with a reason, on the version read: 409 request-changed when the request changed since (read it again), 409 request-not-open when it is closed; 400 when the urgency is the same or the reason is missing.");
        followed.MapPost("/withdrawal", WithdrawAsync).RequireScope(Scopes.FollowUpWithdraw)
            .Produces(204).Refuses(RuleCode.RequestNotOpen)
            .Describe("withdrawFollowedRequest",
                $"Withdraws an open request the caller filed, with a reason ({string.Join(", ", WithdrawalReasons.All)}); its holds are released and the desk stops searching. 409 when it is no longer open.");
    }

    private static async Task<IResult> GetAsync(Guid requestId, HttpContext context, ChildTimelines timelines) =>
        await timelines.ForCaseworkerAsync(Caller.Of(context).ToActor(), requestId) is var (timeline, regionName, _)
            ? TypedResults.Ok(new FollowedChild(timeline.RequestId, timeline.CaseReference, regionName, timeline.Status, timeline.Urgency, timeline.Version))
            : NotFound();

    private static async Task<IResult> InformationAsync(Guid requestId, InformationInput input, HttpContext context, IGrainFactory grains,
        ChildTimelines timelines)
    {
        if (!IdempotencyHeader.TryRead(context, $"addFollowUpInformation {requestId} {input.Text}", out var idempotency, out var problem))
            return problem!;
        var caseworker = Caller.Of(context).ToActor();
        if (await timelines.RegionForCaseworkerAsync(caseworker, requestId) is not { } region) return NotFound();
        var added = await grains.Request(region, requestId).AddInformation(caseworker, input.Text, idempotency);
        return TypedResults.Created($"/api/v1/caseworkers/me/requests/{requestId}", added);
    }

    private static async Task<IResult> UrgencyAsync(Guid requestId, UrgencyInput input, HttpContext context, IGrainFactory grains,
        ChildTimelines timelines)
    {
        if (input.Version is not { } version)
            return ApiProblems.Invalid("version", "version is required: the request's version you read (getFollowedRequest).");
        var caseworker = Caller.Of(context).ToActor();
        if (await timelines.RegionForCaseworkerAsync(caseworker, requestId) is not { } region) return NotFound();
        var changed = await grains.Request(region, requestId).ChangeUrgency(caseworker, input.Urgency, input.Reason, version);
        return TypedResults.Ok(new UrgencyChanged(input.Urgency!, changed));
    }

    private static async Task<IResult> WithdrawAsync(Guid requestId, WithdrawalInput input, HttpContext context, IGrainFactory grains,
        ChildTimelines timelines)
    {
        var caseworker = Caller.Of(context).ToActor();
        if (await timelines.RegionForCaseworkerAsync(caseworker, requestId) is not { } region) return NotFound();
        await grains.Request(region, requestId).WithdrawAsCaseworker(caseworker, input.Reason);
        return TypedResults.NoContent();
    }

    private static IResult NotFound() =>
        TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This request does not exist or is not yours to follow.",
            extensions: new Dictionary<string, object?> { ["code"] = RuleProblems.Name(RuleCode.NotFound) });
}
