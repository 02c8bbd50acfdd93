using System.Net;
using System.Net.Sockets;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Webhooks;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Tests.Security;

/// <summary>
/// A webhook cannot be pointed at the node's own network: every spelling of a private, loopback, link-local, multicast,
/// unspecified or unique-local address, and every name that resolves to one, is refused when registered and again
/// when sent, where the connection goes only to the address that was checked.
/// </summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class WebhookDestinationTests
{
    /// <summary>Names as a cluster's DNS would answer them: an in-cluster service, and a host that turns private after registration.</summary>
    private sealed class Dns
    {
        public Dictionary<string, IPAddress[]> Answers { get; } = new(StringComparer.OrdinalIgnoreCase)
        {
            ["kubernetes.default.svc"] = [IPAddress.Parse("10.96.0.1")],
            ["metadata.internal.example"] = [IPAddress.Parse("169.254.169.254")],
            ["mixed.example"] = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("192.168.1.10")],
            ["cgnat.example"] = [IPAddress.Parse("100.64.0.1")],
            ["ula.example"] = [IPAddress.Parse("fd00::1")],
            ["hooks.example.org"] = [IPAddress.Parse("93.184.216.34")],
        };

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken _) =>
            Answers.TryGetValue(host, out var found) ? Task.FromResult(found) : throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Hosts of the node's own network as a URL may spell them, no DNS needed: the integration tests use them at both doors.</summary>
    public static readonly IReadOnlyList<string> OwnNetworkHosts =
    [
        "127.0.0.1", "127.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]", "[::1]", "localhost", "api.localhost", "10.0.0.1", "172.16.5.4",
        "192.168.1.1", "100.64.0.1", "169.254.169.254", "[fe80::1]", "224.0.0.1", "0.0.0.0", "[::]", "[fd00::1]", "[::ffff:10.0.0.1]",
    ];

    public static TheoryData<string> RefusedUrls => new()
    {
        "https://127.0.0.1/hook", "https://127.1/hook", "https://2130706433/hook", "https://0x7f000001/hook", "https://0177.0.0.1/hook",
        "https://[::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://[0:0:0:0:0:ffff:7f00:1]/hook", "https://localhost/hook",
        "https://LocalHost./hook", "https://api.localhost/hook", "https://127.0.0.1/hook ", " https://hooks.example.org/hook",
        "https://10.0.0.1/hook", "https://172.16.5.4/hook", "https://172.31.255.255/hook", "https://192.168.1.1/hook", "https://100.64.0.1/hook",
        "https://169.254.169.254/latest/meta-data", "https://[fe80::1]/hook", "https://224.0.0.1/hook", "https://[ff02::1]/hook",
        "https://0.0.0.0/hook", "https://0/hook", "https://[::]/hook", "https://[fd00::1]/hook", "https://[fc00::1]/hook",
        "https://[::ffff:10.0.0.1]/hook", "https://[::ffff:169.254.169.254]/hook", "https://[::ffff:a9fe:a9fe]/hook", "https://[64:ff9b::a00:1]/hook",
        "https://[2002:c0a8:0101::1]/hook", "https://255.255.255.255/hook",
        "https://kubernetes.default.svc/hook", "https://metadata.internal.example/hook", "https://mixed.example/hook", "https://cgnat.example/hook",
        "https://ula.example/hook",
        "http://hooks.example.org/hook", "http://127.0.0.1/hook", "ftp://hooks.example.org/", "https://user:pass@hooks.example.org/hook", "/hook", "",
    };

    [Theory, MemberData(nameof(RefusedUrls))]
    public async Task AUrlToTheNodesOwnNetwork_OrNotHttps_IsRefusedAtRegistration_OnTheUrlField(string url)
    {
        var destinations = new WebhookDestinations(allowLoopback: false, new Dns().ResolveAsync);

        var refusal = await Assert.ThrowsAsync<MarketRuleException>(() => destinations.JudgeAsync(url));

        Assert.Equal(RuleCode.WebhookUrlNotAllowed, refusal.Code);
        Assert.Equal("url", refusal.Field);
    }

    [Theory]
    [InlineData("https://hooks.example.org/hook")]
    [InlineData("https://93.184.216.34:8443/hook")]
    [InlineData("https://[2606:2800:220:1:248:1893:25c8:1946]/hook")]
    [InlineData("https://not-yet-in-dns.example.org/hook")]
    public async Task AnHttpsUrlToAPublicAddress_OrANameNotYetResolvable_IsAccepted(string url)
    {
        var destinations = new WebhookDestinations(allowLoopback: false, new Dns().ResolveAsync);

        Assert.Equal(url, (await destinations.JudgeAsync(url)).OriginalString);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Loopback_IsAllowedOnlyWithTheTestAllowance_AndPrivateAddressesNeverAre(string address)
    {
        var ip = IPAddress.Parse(address);

        Assert.False(new WebhookDestinations(allowLoopback: false).Allowed([ip]));
        Assert.True(new WebhookDestinations(allowLoopback: true).Allowed([ip]));
        Assert.False(new WebhookDestinations(allowLoopback: true).Allowed([IPAddress.Parse("10.0.0.1")]));
        Assert.False(new WebhookDestinations(allowLoopback: true).Allowed([IPAddress.Parse("169.254.169.254")]));
    }

    [Fact]
    public async Task WithTheTestAllowance_PlainHttpStillGoesOnlyToLoopback()
    {
        var destinations = new WebhookDestinations(allowLoopback: true, new Dns().ResolveAsync);

        await Assert.ThrowsAsync<MarketRuleException>(() => destinations.JudgeAsync("http://hooks.example.org/hook"));
        await Assert.ThrowsAsync<MarketRuleException>(() => destinations.JudgeAsync("http://not-in-dns.example.org/hook"));
        Assert.Equal("http://127.0.0.1:9/hook", (await destinations.JudgeAsync("http://127.0.0.1:9/hook")).OriginalString);
    }

    [Fact]
    public void TheAllowance_CountsOnlyInTheTestAndDevelopmentEnvironments()
    {
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection([new(WebhookDestinations.AllowLoopbackSetting, "true")]).Build();
        WebhookDestinations In(string environment) =>
            WebhookDestinations.FromConfiguration(settings, new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment });

        Assert.False(In("Production").AllowsLoopback);
        Assert.False(In("Staging").AllowsLoopback);
        Assert.True(In("Test").AllowsLoopback);
        Assert.True(In("Development").AllowsLoopback);
    }

    [Theory]
    [InlineData("https://127.0.0.1:{port}/hook")]
    [InlineData("https://127.1:{port}/hook")]
    [InlineData("https://2130706433:{port}/hook")]
    [InlineData("https://0x7f000001:{port}/hook")]
    [InlineData("https://[::ffff:127.0.0.1]:{port}/hook")]
    [InlineData("https://localhost:{port}/hook")]
    [InlineData("https://rebinding.example:{port}/hook")]
    public async Task AtSending_AnAddressThatIsNotAllowed_IsRefusedBeforeAnyConnection(string template)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var dns = new Dns();
        // Public when registered, loopback when sent: the check at sending is the one that counts.
        dns.Answers["rebinding.example"] = [IPAddress.Parse("93.184.216.34")];
        var destinations = new WebhookDestinations(allowLoopback: false, dns.ResolveAsync);
        var url = template.Replace("{port}", port.ToString());
        if (url.Contains("rebinding")) await destinations.JudgeAsync(url);
        dns.Answers["rebinding.example"] = [IPAddress.Loopback];
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = destinations.ConnectAsync, UseProxy = false, AllowAutoRedirect = false });

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(url, new StringContent("{}")));
        var accepted = listener.Pending();

        Assert.IsType<WebhookDestinations.AddressRefusedException>(failure.InnerException);
        Assert.False(accepted, "a connection reached the loopback listener");
    }

    [Fact]
    public void EveryIPv6FormOfAPrivateIPv4Address_IsJudgedByTheAddressInside()
    {
        foreach (var address in new[] { "::ffff:10.1.2.3", "::10.1.2.3", "64:ff9b::10.1.2.3", "2002:0a01:0203::1", "::ffff:192.168.0.1", "::ffff:100.100.1.1" })
            Assert.Equal(WebhookAddresses.Kind.Refused, WebhookAddresses.Classify(IPAddress.Parse(address)));
        Assert.Equal(WebhookAddresses.Kind.Public, WebhookAddresses.Classify(IPAddress.Parse("::ffff:93.184.216.34")));
        Assert.Equal(WebhookAddresses.Kind.Public, WebhookAddresses.Classify(IPAddress.Parse("172.32.0.1")));
        Assert.Equal(WebhookAddresses.Kind.Public, WebhookAddresses.Classify(IPAddress.Parse("100.128.0.1")));
    }
}
