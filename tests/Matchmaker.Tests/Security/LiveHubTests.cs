using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Matchmaker.Tests.Security;

/// <summary>The live hub: WebSockets only, so a connection stays with the identity that opened it; a provider hears what it needs, not request ids.</summary>
public sealed class LiveHubTests
{
    [Fact]
    public async Task AnotherIdentity_CannotPollOnAnEstablishedConnection_AndOnlyWebSocketsAreOffered()
    {
        await using var market = await MarketScenario.StartAsync("sqlite");
        var negotiate = await market.Desk.PostAsync("/hubs/availability/negotiate?negotiateVersion=1", null);
        var offer = await negotiate.Content.ReadFromJsonAsync<JsonElement>();
        var token = offer.GetProperty("connectionToken").GetString();

        var stolen = await market.OtherDesk.GetAsync($"/hubs/availability?id={token}");
        var transports = offer.GetProperty("availableTransports").EnumerateArray().Select(t => t.GetProperty("transport").GetString()).ToList();

        Assert.Equal(["WebSockets"], transports);
        Assert.NotEqual(HttpStatusCode.OK, stolen.StatusCode);
    }

    [Fact]
    public async Task AProvider_HearsAHoldOnItsPlace_WithoutTheRequestId_WhileTheDeskHearsWhichRequest()
    {
        await using var market = await MarketScenario.StartAsync("sqlite");
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "LIVE-0001"));
        var providerHeard = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var deskHeard = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var provider = Connect(market, DemoDataGenerator.DemoToken(Roles.Provider, MarketScenario.Region));
        await using var desk = Connect(market, DemoDataGenerator.DemoToken(Roles.Desk, MarketScenario.Region));
        provider.On<JsonElement>("holdChanged", change => providerHeard.TrySetResult(change));
        desk.On<JsonElement>("holdChanged", change => deskHeard.TrySetResult(change));
        await provider.StartAsync();
        await desk.StartAsync();

        (await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId })).EnsureSuccessStatusCode();
        var toProvider = await providerHeard.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var toDesk = await deskHeard.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(toProvider.TryGetProperty("requestId", out _), toProvider.ToString());
        Assert.True(toProvider.TryGetProperty("holdId", out _));
        Assert.Equal(requestId, toDesk.GetProperty("requestId").GetGuid());
    }

    private static HubConnection Connect(MarketScenario market, string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(market.App.Server.BaseAddress, "/hubs/availability"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = market.App.Server.CreateWebSocketClient();
                    client.ConfigureRequest = request => request.Headers.Authorization = $"Bearer {token}";
                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
            })
            .Build();
}
