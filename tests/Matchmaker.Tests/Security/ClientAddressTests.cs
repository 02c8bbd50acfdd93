using System.Net;
using Matchmaker.Tests.Cluster;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Security;

/// <summary>
/// The throttle counts by the connection's address, unless the connection comes from a proxy named in
/// <c>ForwardedHeaders:KnownProxies</c> or <c>KnownNetworks</c>: then by the address that proxy forwarded. A forged
/// X-Forwarded-For from anyone else changes nothing.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class ClientAddressTests
{
    private const int Limit = 3;

    [Fact]
    public async Task WithoutAKnownProxy_AForgedForwardedAddressPerGuess_DoesNotEscapeTheCount()
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        await using var node = await WebNode.StartAsync(database, new Dictionary<string, string> { ["RateLimiting__FailuresPerMinute"] = Limit.ToString() });

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i <= Limit; i++)
        {
            using var forger = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());
            answers.Add((await forger.SignInWithPasswordAsync(node, node, "niemand@rijnmond.example", "wrong password")).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, Limit), HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task BehindAKnownNetwork_EachForwardedAddressIsCountedOnItsOwn()
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        await using var node = await WebNode.StartAsync(database, new Dictionary<string, string>
        {
            ["RateLimiting__FailuresPerMinute"] = Limit.ToString(), ["ForwardedHeaders__KnownNetworks"] = "127.0.0.0/8",
        });
        using var guesser = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());
        using var colleague = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());

        for (var i = 0; i < Limit; i++)
            await guesser.SignInWithPasswordAsync(node, node, "niemand@rijnmond.example", "wrong password");
        var guesserAgain = await guesser.SignInWithPasswordAsync(node, node, "niemand@rijnmond.example", "wrong password");
        var colleagues = await colleague.SignInWithPasswordAsync(node, node, "niemand@rijnmond.example", "wrong password");

        Assert.Equal(HttpStatusCode.TooManyRequests, guesserAgain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, colleagues.StatusCode);
    }

    [Theory]
    [InlineData("ForwardedHeaders__KnownProxies", "proxy.example")]
    [InlineData("ForwardedHeaders__KnownNetworks", "10.0.0.0/99")]
    public async Task AKnownProxyOrNetworkThatIsNoAddress_StopsTheStart_WithOneLineNamingTheSetting(string setting, string value)
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        await using var node = WebNode.Launch(database, new Dictionary<string, string> { [setting] = value });

        Assert.True(await node.PrintedAsync("Matchmaker cannot start", TimeSpan.FromSeconds(60)), node.Output);
        Assert.Contains(setting.Replace("__", ":"), node.Output);
        Assert.Contains(value, node.Output);
    }
}
