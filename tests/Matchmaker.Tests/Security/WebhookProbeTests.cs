using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Matchmaker.Silo.Webhooks;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Security;

/// <summary>
/// A desk's or provider's token cannot use webhooks to probe the node's network, on a host configured as in production
/// (no loopback allowance): every spelling of its own network is refused when registered, and a row that got past
/// registration (stored before the check, or a name that turned private) is refused when sent, before any connection.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class WebhookProbeTests(MarketsWithoutLoopbackHooks markets) : IClassFixture<MarketsWithoutLoopbackHooks>
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EverySpellingOfTheNodesOwnNetwork_IsRefusedAtRegistration_BesideTheUrl_AndNothingIsStored(string provider)
    {
        var market = await markets.ForAsync(provider);
        var urls = WebhookDestinationTests.OwnNetworkHosts.Select(host => $"https://{host}/hook")
            .Concat(["https://hooks.example/hook ", "http://127.0.0.1:8080/hook", "http://hooks.example/hook"]);

        var accepted = new List<string>();
        foreach (var url in urls)
        {
            var response = await market.Provider.PostAsJsonAsync("/api/v1/webhooks", new { url });
            var problem = response.StatusCode == HttpStatusCode.BadRequest ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            if (response.StatusCode != HttpStatusCode.BadRequest || problem.GetProperty("code").GetString() != "webhook-url-not-allowed"
                || !problem.GetProperty("errors").TryGetProperty("url", out _))
                accepted.Add($"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Empty(accepted);
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM webhook_subscriptions"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ANameTheSystemsResolverMapsToThisMachine_IsRefusedAtRegistration_AndAtSending(string provider)
    {
        var market = await markets.ForAsync(provider);
        // The machine's own name resolves through the system's resolver (/etc/hosts, DNS), as kubernetes.default.svc does in a cluster.
        var name = System.Net.Dns.GetHostName();
        var resolved = await System.Net.Dns.GetHostAddressesAsync(name);
        Assert.True(resolved.Length > 0 && resolved.All(a => WebhookAddresses.Classify(a) != WebhookAddresses.Kind.Public),
            $"this test needs a machine whose name resolves to its own network: {name} is {string.Join(", ", resolved.Select(a => a.ToString()))}");
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var url = $"https://{name}:{port}/hook";
        await market.OfferingWithFreeUnitsAsync(free: 1);

        var registered = await market.Desk.PostAsJsonAsync("/api/v1/webhooks", new { url });
        var id = Guid.NewGuid();
        await market.ExecuteAsync("""
            INSERT INTO webhook_subscriptions (id, owner_id, role, region_code, organisation_id, url, secret, status, cursor, created_at)
            VALUES (@id, @id, 'desk', @region, NULL, @url, 'whsec_probe', 'active', 0, @now)
            """, new { id, region = MarketScenario.Region, url, now = DateTimeOffset.UtcNow });
        await market.Grains.GetGrain<IWebhookDispatcherGrain>(0).DeliverDue();

        Assert.Equal(HttpStatusCode.BadRequest, registered.StatusCode);
        Assert.Equal("webhook-url-not-allowed", (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(DeliveryError.AddressNotAllowed, await market.ScalarAsync<string>("SELECT last_error FROM webhook_subscriptions WHERE id = @id", new { id }));
        Assert.False(listener.Pending(), "a notification reached the machine's own name");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AtSending_EverySpellingOfTheNodesOwnNetwork_IsRefusedBeforeAnyConnection_AndShowsOnlyAdresNietToegestaan(string provider)
    {
        var market = await markets.ForAsync(provider);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await market.OfferingWithFreeUnitsAsync(free: 1); // an event for the subscriptions to be told of
        foreach (var host in WebhookDestinationTests.OwnNetworkHosts)
            // As a row stored before the check was there: registration would refuse it.
            await market.ExecuteAsync("""
                INSERT INTO webhook_subscriptions (id, owner_id, role, region_code, organisation_id, url, secret, status, cursor, created_at)
                VALUES (@id, @id, 'desk', @region, NULL, @url, 'whsec_probe', 'active', 0, @now)
                """, new { id = Guid.NewGuid(), region = MarketScenario.Region, url = $"https://{host}:{port}/hook", now = DateTimeOffset.UtcNow });

        await market.Grains.GetGrain<IWebhookDispatcherGrain>(0).DeliverDue();
        var errors = await market.Database.QueryAsync<string?>("SELECT last_error FROM webhook_subscriptions");
        var connected = listener.Pending();

        Assert.Equal(WebhookDestinationTests.OwnNetworkHosts.Count, errors.Count);
        Assert.All(errors, error => Assert.Equal(DeliveryError.AddressNotAllowed, error));
        Assert.False(connected, "a notification reached the listener on loopback");
    }
}
