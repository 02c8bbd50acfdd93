using Microsoft.AspNetCore.HttpOverrides;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// What every response tells the browser: no script or style but our own files, never inside a frame, no type sniffing,
/// no referrer to other sites, no camera, microphone or location. Behind a TLS proxy named in
/// <c>ForwardedHeaders:KnownProxies</c> (nobody else is believed) requests count as https: cookies are Secure and HSTS is sent.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The Orleans dashboard (operators only) is a third-party page with inline script; it still cannot be framed.
    private const string DashboardPolicy = "default-src 'self' 'unsafe-inline' data:; object-src 'none'; frame-ancestors 'none'";

    public static IServiceCollection AddMatchmakerSecurityHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in (configuration["ForwardedHeaders:KnownProxies"] ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
                options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
        });
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            // Only requests that arrived over TLS (through the named proxy) get it, whatever the host is called.
            options.ExcludedHosts.Clear();
        });
        services.AddAntiforgery(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        return services;
    }

    public static void UseMatchmakerSecurityHeaders(this WebApplication app)
    {
        if (!string.IsNullOrWhiteSpace(app.Configuration["ForwardedHeaders:KnownProxies"]))
            app.UseForwardedHeaders();
        app.UseHsts();
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(OperationsExtensions.DashboardPath)
                    ? DashboardPolicy
                    : ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            await next();
        });
    }
}
