using Dapper;
using FluentValidation;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// A desk that cannot place a child escalates it beyond the region, to the bovenregionaal expertisenetwerk of its
/// region, with a reason. The network then sees the child (pseudonymous, needs only) against national capacity and may
/// hold a place on the region's behalf. The escalation and its reason stay in the audit and the child's dossier.
/// </summary>
public static class EscalationApi
{
    public sealed record EscalationInput(string? Reason);

    public sealed record EscalationResult(Guid RequestId, string NetworkCode, string NetworkName, DateTimeOffset EscalatedAt, string Reason);

    public sealed class EscalationInputValidator : AbstractValidator<EscalationInput>
    {
        public EscalationInputValidator()
        {
            RuleFor(x => x.Reason).NotEmpty().WithMessage("reason is required: why the region cannot place this child itself.")
                .MaximumLength(500).WithMessage("reason is at most 500 characters.");
            RuleFor(x => x.Reason).WithoutControlCharacters();
        }
    }

    private static readonly EscalationInputValidator Validator = new();

    public static void MapEscalationApi(this RouteGroupBuilder api) =>
        api.MapPost("/regions/{regionCode}/requests/{requestId:guid}/escalation", async (string regionCode, Guid requestId, EscalationInput input,
            HttpContext context, Database database, Journal journal, LiveFeed feed, TimeProvider clock) =>
        {
            var caller = Caller.Of(context);
            if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
            return await EscalateAsync(caller, regionCode, requestId, input.Reason!.Trim(), database, journal, feed, clock) switch
            {
                { Escalated: { } escalated } => TypedResults.Ok(escalated),
                { RefusedBecause: { } code } => TypedResults.Problem(statusCode: 409, title: "Not escalated", detail: Refusals[code]),
                _ => TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This request does not exist or is not yours to see."),
            };
        }).RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.RequestsWrite).Validate(Validator)
          .Describe("escalateRequest", "Escalates an open request beyond the region, to the region's expertise network (bovenregionaal), with a reason. 409 when it is not open, already escalated, or the region belongs to no network.");

    /// <summary><paramref name="RefusedBecause"/>: a key of <see cref="Refusals"/>; neither set: the request is not the caller's to see.</summary>
    public sealed record Outcome(EscalationResult? Escalated, string? RefusedBecause);

    public static readonly IReadOnlyDictionary<string, string> Refusals = new Dictionary<string, string>
    {
        ["not-open"] = "Only an open request can be escalated.",
        ["already-escalated"] = "This request is already escalated.",
        ["no-network"] = "The region belongs to no expertise network; an administrator assigns one.",
        ["changed"] = "The request was changed meanwhile; read it again.",
    };

    public static async Task<Outcome> EscalateAsync(Caller caller, string regionCode, Guid requestId, string reason, Database database, Journal journal,
        LiveFeed feed, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var request = await connection.QuerySingleOrDefaultAsync<RequestFacts>("""
            SELECT r.status AS Status, r.escalated_at AS EscalatedAt, n.code AS NetworkCode, n.name AS NetworkName
            FROM requests r JOIN regions g ON g.code = r.region_code LEFT JOIN expertise_networks n ON n.code = g.network_code
            WHERE r.id = @requestId AND r.region_code = @regionCode
            """, new { requestId, regionCode }, transaction);
        if (request is null) return new Outcome(null, null);
        if (request.Status != "open") return new Outcome(null, "not-open");
        if (request.EscalatedAt is not null) return new Outcome(null, "already-escalated");
        if (request.NetworkCode is null) return new Outcome(null, "no-network");
        var version = await connection.QuerySingleOrDefaultAsync<long?>("""
            UPDATE requests SET escalated_at = @now, escalation_reason = @reason, version = version + 1
            WHERE id = @requestId AND region_code = @regionCode AND status = 'open' AND escalated_at IS NULL
            RETURNING version
            """, new { now, reason, requestId, regionCode }, transaction);
        if (version is null) return new Outcome(null, "changed");
        var record = journal.Record();
        record.Audit(caller.ToActor(), "request-escalated", "request", requestId.ToString(), regionCode, $"network {request.NetworkCode}: {reason}");
        record.Publish(new MarketEvent(MarketEvent.RequestChanged, regionCode, null, requestId.ToString(), version.Value,
            new RequestChangedPayload(requestId, "open", version.Value)));
        var changes = await record.WriteAsync(connection, transaction);
        await transaction.CommitAsync();
        feed.Publish(changes);
        return new Outcome(new EscalationResult(requestId, request.NetworkCode, request.NetworkName!, now, reason), null);
    }

    private sealed class RequestFacts
    {
        public string Status { get; init; } = "";
        public DateTimeOffset? EscalatedAt { get; init; }
        public string? NetworkCode { get; init; }
        public string? NetworkName { get; init; }
    }
}
