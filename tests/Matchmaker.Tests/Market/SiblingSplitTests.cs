using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Silo.Figures;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFlowsCollection.Name)]
public sealed class SiblingSplitTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ADeskSplitsASiblingGroupWithAReason_AndEachDossierAndTheMunicipalitysFiguresShowIt(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var first = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-SIB-0001", siblingGroup: "RIJ-GROEP-1"));
        var second = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-SIB-0002", siblingGroup: "RIJ-GROEP-1"));
        var split = $"/api/v1/regions/{MarketScenario.Region}/sibling-groups/RIJ-GROEP-1/split";

        var withoutReason = await market.Desk.PostAsJsonAsync(split, new { reason = " " });
        var otherRegion = await market.OtherDesk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.OtherRegion}/sibling-groups/RIJ-GROEP-1/split",
            new { reason = "Niet van ons" });
        var done = await market.Desk.PostAsJsonAsync(split, new { reason = "Samen wachten duurt te lang; school van de oudste" });
        var again = await market.Desk.PostAsJsonAsync(split, new { reason = "Nog eens" });
        var timeline = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/regions/{MarketScenario.Region}/requests/{second}/timeline");
        // The municipality's published figures are frozen per day: the split shows in the next day's snapshot, which
        // the engine's figures compute.
        var figures = (await market.App.Services.GetRequiredService<FiguresPublication>().ComputeAsync()).Regions.Single(r => r.RegionCode == MarketScenario.Region);

        Assert.Equal(HttpStatusCode.BadRequest, withoutReason.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherRegion.StatusCode);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(0L, await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE id IN (@first, @second) AND sibling_group IS NOT NULL", new { first, second }));
        var entry = timeline.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "siblings-split");
        Assert.Equal("Samen wachten duurt te lang; school van de oudste", entry.GetProperty("note").GetString());
        // Two children: a small count, so hidden.
        Assert.True(figures.ChildrenSplitFromSiblings.Value >= 2);
        Assert.True(figures.ChildrenSplitFromSiblings.Hidden);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SiblingsWithAHoldForTheGroup_AreNotSplit_SoNoHoldPlacesThemTogetherAfterwards(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 2);
        var first = await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-SIB-0011", siblingGroup: "RIJ-GROEP-2"));
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-SIB-0012", siblingGroup: "RIJ-GROEP-2"));
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId = first });

        var split = await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/sibling-groups/RIJ-GROEP-2/split", new { reason = "Te lang" });

        Assert.Equal(HttpStatusCode.Created, hold.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, split.StatusCode);
        Assert.Equal(2L, await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE sibling_group = 'RIJ-GROEP-2'"));
    }
}
