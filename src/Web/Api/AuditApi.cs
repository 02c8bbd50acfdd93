using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>A desk reads its own region's part of the append-only audit log.</summary>
public static class AuditApi
{
    public sealed class AuditEntry
    {
        public long Id { get; init; }
        public DateTimeOffset At { get; init; }
        public Guid? ActorId { get; init; }
        public string ActorKind { get; init; } = "";
        public string? Role { get; init; }
        public Guid? OrganisationId { get; init; }
        public string Action { get; init; } = "";
        public string SubjectType { get; init; } = "";
        public string? SubjectId { get; init; }
        public string? Detail { get; init; }
    }

    public static void MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/regions/{regionCode}/audit", ReadAsync).RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.AuditRead)
            .Describe("listAuditEntries", "The newest entries of the region's append-only audit log: who did or read what, when.");
        api.MapGet("/regions/{regionCode}/audit/export", AuditExport.WriteAsync).RequireAuthorization(Policies.Desk).RequireScope(Silo.Access.Scopes.AuditRead)
            .Produces(200, contentType: "text/csv")
            .Describe("exportAuditLog", "The region's audit log for a period (from and to, dates, at most 366 days) as CSV (NEN 7513), oldest first. The export is itself recorded.");
    }

    private static async Task<IResult> ReadAsync(string regionCode, int? limit, HttpContext context, Database database, Journal journal)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode))
            return ApiProblems.RegionNotFound(regionCode);
        if (limit is < 1 or > 1000)
            return ApiProblems.Invalid("limit", "limit must be between 1 and 1000.");
        await using var connection = await database.OpenAsync();
        var entries = await connection.QueryAsync<AuditEntry>("""
            SELECT id AS Id, at AS At, actor_id AS ActorId, actor_kind AS ActorKind, role AS Role, organisation_id AS OrganisationId,
                   action AS Action, subject_type AS SubjectType, subject_id AS SubjectId, detail AS Detail
            FROM audit_log WHERE region_code = @regionCode ORDER BY id DESC LIMIT @limit
            """, new { regionCode, limit = limit ?? 100 });
        // Reading the log shows who read which child: that read is itself recorded.
        await journal.AuditAsync(connection, null, caller.ToActor(), "audit-read", "audit-log", null, regionCode, $"newest {limit ?? 100}");
        return TypedResults.Ok(entries);
    }
}
