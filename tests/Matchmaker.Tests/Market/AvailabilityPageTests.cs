using System.Net;
using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFormsCollection.Name)]
public sealed partial class AvailabilityPageTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheDesksFilters_NarrowThePlaces_AndAChosenChildGetsDistancesAndAMap(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 3);
        // The region contracts the place, so its policy lets the desk see it.
        await market.ExecuteAsync("""
            INSERT INTO contracts (region_code, offering_id, budget_ceiling_reached, valid_from)
            SELECT @region, @id, false, @from WHERE NOT EXISTS (SELECT 1 FROM contracts WHERE region_code = @region AND offering_id = @id)
            """, new { region = MarketScenario.Region, id = offering.Id, from = new DateOnly(2026, 1, 1) });
        await market.ExecuteAsync("UPDATE contracts SET budget_ceiling_reached = false WHERE region_code = @region AND offering_id = @id",
            new { region = MarketScenario.Region, id = offering.Id });
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-KAART-01", maxDistanceKm: 60));
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");
        var age = MarketScenario.AgeFor(offering);

        var all = await desk.GetStringAsync("/tafel/beschikbaarheid");
        var narrowed = await desk.GetStringAsync($"/tafel/beschikbaarheid?zorgvorm={offering.CareType}&leeftijd={age}&vrij=true");
        var nearChild = await desk.GetStringAsync($"/tafel/beschikbaarheid?zorgvorm={offering.CareType}&kind=rij-kaart-01");

        var rowsAll = OfferingRows().Matches(all).Count;
        var rowsNarrowed = OfferingRows().Matches(narrowed).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(offering.Id.ToString(), rowsNarrowed);
        Assert.InRange(rowsNarrowed.Count, 1, rowsAll - 1);
        Assert.Contains($"{rowsNarrowed.Count} van de", narrowed);
        Assert.Contains("<svg", nearChild);
        Assert.Contains("Vrije plekken rond de woonplek van RIJ-KAART-01", nearChild);
        Assert.Contains("Afstand", nearChild);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WrongFilters_AreNamedBesideTheirFields_AllAtOnce_AndNeverAnError500(string provider)
    {
        var market = await markets.ForAsync(provider);
        var desk = market.App.CreateClient();
        await SignIn.AsDemoAsync(desk, MarketScenario.Region, "desk");

        var response = await desk.GetAsync("/tafel/beschikbaarheid?zorgvorm=ruimteschip&leeftijd=oud&specialisme=x&kind=BESTAAT-NIET");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var message in new[] { "Kies een zorgvorm uit de lijst.", "De leeftijd is een getal van 0 tot en met 23.", "Kies een specialisme uit de lijst.",
                     "Geen wachtend kind van de regio met dit dossiernummer." })
            Assert.Contains(message, page);
        Assert.Contains("value=\"oud\"", page);
    }

    [GeneratedRegex("<tr class=\"utrecht-table__row\" data-offering=\"([0-9a-f-]{36})\"")]
    private static partial Regex OfferingRows();
}
