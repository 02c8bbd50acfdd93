using System.Net;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Security;

/// <summary>Behind the TLS proxy named in configuration, and only then, requests count as https: Secure cookies and HSTS.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed class ProxyAndHostTests(SharedMarket markets)
{
    [Fact]
    public async Task BehindTheNamedProxy_CookiesAreSecure_AndHstsIsSent()
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        await using var node = await WebNode.StartAsync(database, new Dictionary<string, string> { ["ForwardedHeaders__KnownProxies"] = "127.0.0.1" });

        var (cookie, hsts) = await SignInAsync(node.BaseAddress, forwardedProto: "https");
        var (plainCookie, plainHsts) = await SignInAsync(node.BaseAddress, forwardedProto: null);

        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=31536000", hsts);
        Assert.DoesNotContain("secure", plainCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Null(plainHsts);
    }

    [Fact]
    public async Task WithoutANamedProxy_ForwardedHeadersAreNotBelieved_AndAForeignHostIsRefused()
    {
        var client = (await markets.ForAsync("sqlite")).App.CreateClient();

        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in") { Headers = { { "X-Forwarded-Proto", "https" } } };
        var believed = await client.SendAsync(forwarded);
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in") { Headers = { { "Host", "evil.example" } } };
        var foreignHost = await client.SendAsync(foreign);

        Assert.False(believed.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain(believed.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.BadRequest, foreignHost.StatusCode);
    }

    /// <summary>Signs in as the demo desk with every request forwarded as <paramref name="forwardedProto"/>: the session cookie and the HSTS header.</summary>
    private static async Task<(string Cookie, string? Hsts)> SignInAsync(Uri node, string? forwardedProto)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = node };
        if (forwardedProto is not null) http.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        var signedIn = await SignIn.AsDemoWithoutCookieJarAsync(http, "rijnmond", "desk");
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("matchmaker="));
        return (session, signedIn.Headers.TryGetValues("Strict-Transport-Security", out var hsts) ? hsts.Single() : null);
    }
}
