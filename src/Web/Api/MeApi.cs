using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

public static class MeApi
{
    public sealed record Me(Guid id, string kind, string name, string role, string? regionCode, Guid? organisationId);

    /// <summary><c>GET /api/v1/me</c>: who the caller is, as the server sees it (role, region, organisation).</summary>
    public static void MapMeApi(this WebApplication app)
    {
        app.MapGet("/api/v1/me", (HttpContext context) =>
        {
            var caller = Caller.From(context.User)!;
            return TypedResults.Ok(new Me(caller.Id, caller.Kind, caller.Name, caller.Role, caller.RegionCode, caller.OrganisationId));
        }).RequireAuthorization();
    }

    /// <summary>Unknown API routes answer with a ProblemDetails 404, not the HTML page.</summary>
    public static void MapApiNotFound(this WebApplication app) =>
        app.Map("/api/{**rest}", () => Results.Problem(statusCode: 404, title: "Not found", detail: "There is no such API resource."));
}
