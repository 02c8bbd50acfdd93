using Matchmaker.Silo.Offerings;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>The spreadsheet in plain Dutch, read back whichever columns' names it was downloaded with.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class CapacitySheetReadingTests
{
    private static readonly DateOnly Today = new(2026, 12, 3);

    private static readonly AvailableOffering Offering = new()
    {
        OfferingId = Guid.Parse("6d1f3a52-0c1e-4d0e-9a57-2b7e0f1c9a10"), LocationName = "De Linde; Oost", CareType = "foster-crisis",
        TotalUnits = 4, OccupiedUnits = 2, HeldUnits = 1, EarliestStart = new DateOnly(2026, 12, 10), Version = 7,
    };

    [Fact]
    public void TheDownload_NamesColumnsAndCareTypesInDutch_WithDutchDates()
    {
        var lines = CapacitySheet.Write([Offering]).Split('\n');

        Assert.Equal("Aanbodnummer (niet wijzigen);Locatie;Zorgvorm;Totaal;Bezet;In behandeling;Eerste startdatum", lines[0]);
        Assert.Equal($"{Offering.OfferingId};\"De Linde; Oost\";{Matchmaker.Matching.CareTypes.DutchName("foster-crisis")};4;2;1;10-12-2026", lines[1]);
        Assert.DoesNotContain("foster-crisis", lines[1]);
    }

    [Fact]
    public void ADownloadedSheet_ComesBackAsTheChangeItShows()
    {
        var sheet = CapacitySheet.Write([Offering]).Replace(";4;2;1;10-12-2026", ";6;2;1;15-12-2026");

        var reading = CapacitySheet.Read(sheet, [Offering], Today);

        var change = Assert.Single(reading.Changes);
        Assert.Equal((6, 2, new DateOnly(2026, 12, 15)), (change.Total, change.Occupied, change.EarliestStart!.Value));
        Assert.Empty(reading.Refused);
    }

    [Fact]
    public void ASheetDownloadedBeforeTheColumnsWereDutch_IsStillRead()
    {
        var sheet = $"aanbod_id;locatie;zorgvorm;totaal;bezet;in_behandeling;eerste_start\n{Offering.OfferingId};De Linde;foster-crisis;5;2;1;2026-12-10\n";

        var reading = CapacitySheet.Read(sheet, [Offering], Today);

        Assert.Equal(5, Assert.Single(reading.Changes).Total);
    }

    [Fact]
    public void ASheetWithoutTheNumberColumn_IsRefusedAtItsFirstLine()
    {
        var reading = CapacitySheet.Read("Locatie;Totaal;Bezet\nDe Linde;5;2\n", [Offering], Today);

        Assert.Equal((1, CapacitySheet.RowProblem.Header), (Assert.Single(reading.Refused).Line, reading.Refused[0].Problem));
        Assert.Empty(reading.Changes);
    }
}
