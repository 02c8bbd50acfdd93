using Matchmaker.Tests.Api.Generated;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Api;

/// <summary>
/// What a provider's vendor does: generate a client from docs/openapi.json (NSwag, at build time; see the test project)
/// and code against its types. The desk's system registers a child and holds the last free place; a second hold on it
/// gets a typed problem with the rule code; the provider's system accepts, and both read the placement and the hold
/// from the Location the API gave.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed class GeneratedClientTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AGeneratedClient_RegistersHoldsGetsATypedRefusal_AcceptsAndReadsThePlacement(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var desk = new MatchmakerClient(market.Desk);
        var providerSystem = new MatchmakerClient(market.Provider);
        var tag = Guid.NewGuid().ToString("N")[..8];

        var first = await desk.RegisterRequestAsync(MarketScenario.Region, Child(offering, $"GEN-{tag}-1"));
        var second = await desk.RegisterRequestAsync(MarketScenario.Region, Child(offering, $"GEN-{tag}-2"));
        var held = (await desk.PlaceHoldAsync(offering.Id, null, new HoldInput { RequestId = first.Id })).Single();
        var refused = await Assert.ThrowsAsync<MatchmakerApiException<Problem>>(() =>
            desk.PlaceHoldAsync(offering.Id, null, new HoldInput { RequestId = second.Id }));
        var accepted = await providerSystem.AcceptHoldAsync(held.HoldId, $"accept-{tag}", new AcceptInput { StartDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3) });
        var placementAsDesk = await desk.GetPlacementAsync(accepted.Placements.Single());
        var placementAsProvider = await providerSystem.GetPlacementAsync(accepted.Placements.Single());
        var holdAsDesk = await desk.GetHoldAsync(held.HoldId);

        Assert.Equal(MarketScenario.Region, first.RegionCode);
        Assert.Equal(409, refused.StatusCode);
        Assert.Equal("place-taken", refused.Result.Code);
        Assert.Equal(409, refused.Result.Status);
        Assert.False(string.IsNullOrWhiteSpace(refused.Result.Detail));
        Assert.Equal(first.Id, placementAsDesk.RequestId);
        Assert.Equal(offering.Id, placementAsDesk.OfferingId);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3), placementAsDesk.StartDate);
        Assert.Null(placementAsProvider.RequestId);
        Assert.Null(placementAsProvider.CaseReference);
        Assert.Equal("accepted", holdAsDesk.Status);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AGeneratedClient_GetsFieldErrorsAsATypedProblem(string provider)
    {
        var market = await markets.ForAsync(provider);
        var desk = new MatchmakerClient(market.Desk);

        var refused = await Assert.ThrowsAsync<MatchmakerApiException<Problem>>(() =>
            desk.RegisterRequestAsync(MarketScenario.Region, new RequestInput { CaseReference = "GEN-EMPTY" }));

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal("invalid-input", refused.Result.Code);
        Assert.Contains("careType", refused.Result.Errors.Keys);
    }

    private static RequestInput Child(MarketScenario.OfferingFacts offering, string caseReference) => new()
    {
        CaseReference = caseReference,
        MeasureType = "ots",
        MeasureStart = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-30),
        Urgency = "urgent",
        CareType = offering.CareType,
        Needs = [],
        NeedsSecure = false,
        BirthMonth = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-MarketScenario.AgeFor(offering)).AddMonths(-1).ToString("yyyy-MM"),
        Gender = offering.Genders.Split(',')[0],
        HomePc4 = "3011",
        HomeLat = Math.Clamp(offering.Lat, 50.6, 53.7),
        HomeLon = Math.Clamp(offering.Lon, 3.3, 7.2),
        MaxDistanceKm = 50,
        ChildWishes = "Dicht bij school",
        ParentWishes = "",
    };
}
