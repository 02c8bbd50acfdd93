using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Security;

/// <summary>The live hub: WebSockets only, so a connection stays with the identity that opened it; a provider hears what it needs, not request ids.</summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class LiveHubTests(SharedMarket markets) : IClassFixture<SharedMarket>
{
    [Fact]
    public async Task AnotherIdentity_CannotPollOnAnEstablishedConnection_AndOnlyWebSocketsAreOffered()
    {
        var market = await markets.ForAsync("sqlite");
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
        var market = await markets.ForAsync("sqlite");
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "LIVE-0001"));
        var providerHeard = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var deskHeard = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var provider = Connect(market, DemoDataGenerator.DemoToken(Roles.Provider, MarketScenario.Region));
        await using var desk = Connect(market, DemoDataGenerator.DemoToken(Roles.Desk, MarketScenario.Region));
        provider.On<JsonElement>("holdChanged", change => providerHeard.TrySetResult(change));
        desk.On<JsonElement>("holdChanged", change => deskHeard.TrySetResult(change));
        await provider.StartListeningAsync();
        await desk.StartListeningAsync();

        (await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId })).EnsureSuccessStatusCode();
        var toProvider = await providerHeard.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var toDesk = await deskHeard.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(toProvider.TryGetProperty("requestId", out _), toProvider.ToString());
        Assert.True(toProvider.TryGetProperty("holdId", out _));
        Assert.Equal(requestId, toDesk.GetProperty("requestId").GetGuid());
    }

    [Theory, MemberData(nameof(Infrastructure.TestDatabase.Providers), MemberType = typeof(Infrastructure.TestDatabase))]
    public async Task ACaseworker_HearsWhatHappensToTheChildTheyFiled_AndNothingOfAnotherChild(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 2);
        var someoneElses = await market.RegisterAsync(MarketScenario.ChildFor(offering, "LIVE-OTHER"));
        // The caseworker files the child with the form, as in real life (a request's caseworker is set when it is filed).
        var form = market.App.CreateClient();
        await Infrastructure.SignIn.AsDemoAsync(form, MarketScenario.Region, Roles.Caseworker);
        var municipality = await market.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @region ORDER BY name", new { region = MarketScenario.Region });
        var filed = await form.PostAsync("/jeugdbeschermer/aanvraag", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Infrastructure.SignIn.AntiforgeryToken(await form.GetStringAsync("/jeugdbeschermer/aanvraag")),
            ["Form.CaseReference"] = "LIVE-OWN", ["Form.MeasureType"] = "ots", ["Form.MeasureStart"] = MarketScenario.InDays(-30), ["Form.Urgency"] = "urgent",
            ["Form.CareType"] = offering.CareType, ["Form.BirthMonth"] = DateTime.UtcNow.AddYears(-MarketScenario.AgeFor(offering)).AddMonths(-1).ToString("yyyy-MM"),
            ["Form.Gender"] = offering.Genders.Split(',')[0], ["Form.HomePc4"] = "3011", ["Form.Municipality"] = municipality.ToString(), ["Form.MaxDistanceKm"] = "400",
        }));
        Assert.True(filed.IsSuccessStatusCode, await filed.Content.ReadAsStringAsync());
        var own = await market.ScalarAsync<Guid>("SELECT id FROM requests WHERE case_reference LIKE '%:LIVE-OWN' AND caseworker_id IS NOT NULL");
        var signIn = await Infrastructure.SignIn.AsDemoWithoutCookieJarAsync(
            market.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false }),
            MarketScenario.Region, Roles.Caseworker);
        var cookie = string.Join("; ", signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var heard = new List<JsonElement>();
        var ownHold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var caseworker = Connect(market, request => request.Headers.Cookie = cookie);
        caseworker.On<JsonElement>("holdChanged", change =>
        {
            lock (heard) heard.Add(change);
            if (change.GetProperty("requestId").GetGuid() == own) ownHold.TrySetResult();
        });
        await caseworker.StartListeningAsync();

        (await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId = someoneElses })).EnsureSuccessStatusCode();
        (await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId = own })).EnsureSuccessStatusCode();
        await ownHold.Task.WaitAsync(TimeSpan.FromSeconds(10));

        lock (heard) Assert.All(heard, change => Assert.Equal(own, change.GetProperty("requestId").GetGuid()));
    }

    private static HubConnection Connect(MarketScenario market, string token) =>
        Connect(market, request => request.Headers.Authorization = $"Bearer {token}");

    private static HubConnection Connect(MarketScenario market, Action<Microsoft.AspNetCore.Http.HttpRequest> authenticate) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(market.App.Server.BaseAddress, "/hubs/availability"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = market.App.Server.CreateWebSocketClient();
                    client.ConfigureRequest = request => authenticate(request);
                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
            })
            .Build();
}
