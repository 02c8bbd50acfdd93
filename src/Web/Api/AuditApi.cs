using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>A desk reads its own region's part of the append-only audit log.</summary>
public static class AuditApi
{
    public static void MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/regions/{regionCode}/audit", ReadAsync).RequireAuthorization(Policies.Desk).RequireSystemScope(Silo.Access.Scopes.AuditRead)
            .Produces<List<Silo.Market.AuditLog.AuditEntry>>(200).Describe("listAuditEntries", "The newest entries of the region's append-only audit log: who did or read what, when. Only a desk token issued with audit:read (the region's security officer's tool); a person's session gets 403.");
        api.MapGet("/regions/{regionCode}/audit/export", AuditExport.WriteAsync).RequireAuthorization(Policies.Desk).RequireSystemScope(Silo.Access.Scopes.AuditRead)
            .Produces(200, contentType: "text/csv")
            .Describe("exportAuditLog", "The region's audit log for a period (from and to, dates, at most 366 days) as CSV (NEN 7513), oldest first. The export is itself recorded. Only a desk token issued with audit:read; a person's session gets 403.");
    }

    private static async Task<IResult> ReadAsync(string regionCode, int? limit, HttpContext context, AuditLog audit)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode))
            return ApiProblems.RegionNotFound(regionCode);
        if (limit is < 1 or > 1000)
            return ApiProblems.Invalid("limit", "limit must be between 1 and 1000.");
        return TypedResults.Ok(await audit.NewestAsync(caller.ToActor(), regionCode, limit ?? 100));
    }
}
