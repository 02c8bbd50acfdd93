using Microsoft.AspNetCore.HttpOverrides;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// What every response tells the browser: no script or style but our own files, never inside a frame, no type sniffing,
/// no referrer to other sites, no camera, microphone or location, and no copy kept of anything but static files. Behind a TLS proxy named in
/// <c>ForwardedHeaders:KnownProxies</c> or <c>KnownNetworks</c> (nobody else is believed) requests count as https
/// (cookies are Secure and HSTS is sent) and come from the client address the proxy forwarded (the sign-in throttle counts by it).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The Orleans dashboard (operators only) is a third-party page with inline script; it still cannot be framed.
    private const string DashboardPolicy = "default-src 'self' 'unsafe-inline' data:; object-src 'none'; frame-ancestors 'none'";

    /// <summary>False (after one line on stderr) when a known proxy or network is not an address.</summary>
    public static bool TryAddMatchmakerSecurityHeaders(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var proxies = new List<System.Net.IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var proxy in Items(configuration["ForwardedHeaders:KnownProxies"]))
        {
            if (!System.Net.IPAddress.TryParse(proxy, out var address))
                return Refuse($"ForwardedHeaders:KnownProxies holds '{proxy}', which is not an IP address (such as 10.0.0.2).");
            proxies.Add(address);
        }
        foreach (var network in Items(configuration["ForwardedHeaders:KnownNetworks"]))
        {
            if (!System.Net.IPNetwork.TryParse(network, out var parsed))
                return Refuse($"ForwardedHeaders:KnownNetworks holds '{network}', which is not a network (such as 10.0.0.0/8).");
            networks.Add(parsed);
        }
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
            // X-Forwarded-For is read from the right, one hop per known proxy, and stops at the first address that is
            // not one: behind a chain of our own proxies the client is found, and nothing a client writes is believed.
            options.ForwardLimit = null;
        });
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            // Only requests that arrived over TLS (through the named proxy) get it, whatever the host is called.
            options.ExcludedHosts.Clear();
        });
        services.AddAntiforgery(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        return true;
    }

    private static string[] Items(string? list) => (list ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries);

    private static bool Refuse(string message)
    {
        Console.Error.WriteLine($"Matchmaker cannot start: {message}");
        return false;
    }

    private static bool BehindProxies(IConfiguration configuration) =>
        Items(configuration["ForwardedHeaders:KnownProxies"]).Length + Items(configuration["ForwardedHeaders:KnownNetworks"]).Length > 0;

    public static void UseMatchmakerSecurityHeaders(this WebApplication app)
    {
        if (BehindProxies(app.Configuration))
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
                // Pages, answers and downloads carry children's data: no browser or proxy keeps a copy (the back button
                // after signing out shows nothing). Static files have no endpoint and stay cacheable.
                if (context.GetEndpoint() is not null && !headers.ContainsKey("Cache-Control"))
                    headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            await next();
        });
    }
}
