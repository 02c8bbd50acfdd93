using Dapper;
using FluentValidation;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// Siblings are matched and held together by default. When that keeps them waiting, the desk can decide to place them
/// apart: with a reason, recorded per child (audit and dossier) and counted in the municipality's figures. Refused
/// while a sibling still has a hold for the group (answer or release it first), so no hold places them together after all.
/// </summary>
public static class SiblingSplitApi
{
    public sealed record SplitInput(string? Reason);

    public sealed record SplitResult(string SiblingGroup, IReadOnlyList<Guid> Requests);

    public sealed class SplitInputValidator : AbstractValidator<SplitInput>
    {
        public SplitInputValidator()
        {
            RuleFor(x => x.Reason).NotEmpty().WithMessage("reason is required: why the siblings may be placed apart.")
                .MaximumLength(500).WithMessage("reason is at most 500 characters.");
            RuleFor(x => x.Reason).WithoutControlCharacters();
        }
    }

    private static readonly SplitInputValidator Validator = new();

    public static void MapSiblingSplitApi(this RouteGroupBuilder api) =>
        api.MapPost("/regions/{regionCode}/sibling-groups/{siblingGroup}/split", async (string regionCode, string siblingGroup, SplitInput input,
            HttpContext context, Database database, Journal journal, LiveFeed feed) =>
        {
            var caller = Caller.Of(context);
            if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
            return await SplitAsync(caller, regionCode, siblingGroup, input.Reason!.Trim(), database, journal, feed) switch
            {
                { Split: { } split } => TypedResults.Ok(split),
                { Refused: { } refused } => TypedResults.Problem(statusCode: 409, title: "Siblings held together", detail: refused),
                _ => TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This sibling group has no open requests in your region."),
            };
        }).RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.RequestsWrite).Validate(Validator)
          .Describe("splitSiblingGroup", "The desk decides that the open children of a sibling group may be placed apart, with a reason (recorded per child and counted in the shortage figures). 409 while a sibling has an active hold.");

    public sealed record Outcome(SplitResult? Split, string? Refused);

    public static async Task<Outcome> SplitAsync(Caller caller, string regionCode, string siblingGroup, string reason, Database database, Journal journal,
        LiveFeed feed)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var held = await connection.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM holds h JOIN requests r ON r.id = h.request_id
            WHERE r.region_code = @regionCode AND r.sibling_group = @siblingGroup AND r.status = 'open' AND h.status = 'active'
            """, new { regionCode, siblingGroup }, transaction);
        if (held > 0)
            return new Outcome(null, "A sibling still has a hold for the group; wait for the provider's answer or release it first.");
        var members = (await connection.QueryAsync<Member>("""
            UPDATE requests SET sibling_group = NULL, version = version + 1
            WHERE region_code = @regionCode AND sibling_group = @siblingGroup AND status = 'open'
            RETURNING id AS Id, case_reference AS CaseReference, version AS Version
            """, new { regionCode, siblingGroup }, transaction)).ToList();
        if (members.Count == 0) return new Outcome(null, null);
        var record = journal.Record();
        foreach (var member in members)
        {
            record.Audit(caller.ToActor(), "siblings-split", "request", member.Id.ToString(), regionCode, $"group {siblingGroup}: {reason}");
            record.Publish(new MarketEvent(MarketEvent.RequestChanged, regionCode, null, member.Id.ToString(), member.Version,
                new RequestChangedPayload(member.Id, "open", member.Version)));
        }
        var changes = await record.WriteAsync(connection, transaction);
        await transaction.CommitAsync();
        feed.Publish(changes);
        return new Outcome(new SplitResult(siblingGroup, members.Select(m => m.Id).ToList()), null);
    }

    private sealed class Member
    {
        public Guid Id { get; init; }
        public string CaseReference { get; init; } = "";
        public long Version { get; init; }
    }
}
