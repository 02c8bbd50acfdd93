using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// Which door is for whom. Pages are for people, signed in with a cookie session; systems use /api/v1 (and the live
/// hub) with a bearer token whose scopes each operation names. A bearer token at a page is refused with 401 before any
/// handler runs, so a narrowly scoped token can never reach through a page what its scopes do not grant. The same holds
/// for an endpoint marked <see cref="ForPeople"/> that is no page (the Orleans dashboard).
/// </summary>
public static class Doors
{
    /// <summary>Endpoint metadata: a door for people only, as every page is.</summary>
    public static readonly object ForPeople = new PeopleOnlyDoor();

    private sealed record PeopleOnlyDoor;

    public static void UseMatchmakerDoors(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            // A status page shown for another door's refusal (re-executed) keeps that door's answer.
            if (SendsBearerToken(context) && IsForPeople(context.GetEndpoint()) && context.Features.Get<IStatusCodeReExecuteFeature>() is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate =
                    "Bearer error=\"invalid_request\", error_description=\"Pages are for people; systems use /api/v1.\"";
                return;
            }
            await next(context);
        });

    private static bool IsForPeople(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<PageActionDescriptor>() is not null || endpoint?.Metadata.GetMetadata<PeopleOnlyDoor>() is not null;

    private static bool SendsBearerToken(HttpContext context) =>
        context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
}
