namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// A change sent with the sign-in cookie (not a bearer token) to the API or the live hub must come from Matchmaker's own
/// pages: a browser says where a request comes from (Origin, Sec-Fetch-Site), and a foreign site's form or script is
/// refused with 403 before anything happens. Pages' own forms carry an antiforgery token as well.
/// </summary>
public static class CrossSiteRequests
{
    public static void UseCrossSiteRequestRefusal(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            if (IsRefused(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await Results.Problem(statusCode: 403, title: "Cross-site request refused",
                    detail: "A change with the sign-in cookie must come from Matchmaker's own pages.").ExecuteAsync(context);
                return;
            }
            await next();
        });

    private static bool IsRefused(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return false;
        if (!(request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs") || request.Path.StartsWithSegments("/account"))) return false;
        if (request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site") return true;
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }
}
