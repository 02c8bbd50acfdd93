using Matchmaker.Silo.Access;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// Who is knocking, as the sign-in throttle counts it: the connection's address, or, behind a proxy named in
/// <c>ForwardedHeaders:KnownProxies</c>/<c>KnownNetworks</c>, the address that proxy forwarded (set by the
/// forwarded-headers middleware, which believes nobody else).
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext context) => SignInThrottle.AddressKey(context.Connection.RemoteIpAddress);

    public static void WriteRetryAfter(HttpContext context, TimeSpan retryAfter) =>
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
}
