using Matchmaker.Silo.Figures;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Figures;

/// <summary>A CBS export of children per jeugdregio, read whole or refused with every problem named.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class RegionPopulationReadingTests
{
    private static readonly IReadOnlyList<(string Code, string Name)> Regions = [("rijnmond", "Rijnmond"), ("groningen", "Groningen"), ("zuid-limburg", "Zuid-Limburg")];

    [Fact]
    public void AStatLineExport_IsReadByNameOrCode_WithProvisionalYearsAndThousandsSeparators()
    {
        const string file = "\uFEFF\"Regio's\";\"Perioden\";\"Jongeren 0 tot 18 jaar (aantal)\"\r\n"
            + "\"Jeugdregio Rijnmond (JZ27)\";\"2026*\";\"236.400\"\r\n\"groningen\";\"2025\";\"103600\"\r\n\"Zuid-Limburg\";\"2026\";\"84 100\"\r\n";

        var reading = RegionPopulation.Read(file, Regions);

        Assert.Empty(reading.Problems);
        Assert.Equal([new("rijnmond", 2026, 236_400), new("groningen", 2025, 103_600), new("zuid-limburg", 2026, 84_100)], reading.Lines);
    }

    [Fact]
    public void AFileWithAnUnknownRegionABadYearOrABadCount_NamesEachLine()
    {
        const string file = "regio;jaar;kinderen\nAtlantis;2026;100\nRijnmond;vorig jaar;100\nGroningen;2026;-5\nGroningen;2026;0\nRijnmond;2026;1\nRijnmond;2026;2\n";

        var reading = RegionPopulation.Read(file, Regions);

        Assert.Collection(reading.Problems,
            p => Assert.StartsWith("line 2: 'Atlantis'", p),
            p => Assert.StartsWith("line 3: 'vorig jaar'", p),
            p => Assert.StartsWith("line 4: '-5'", p),
            p => Assert.StartsWith("line 5: '0'", p),
            p => Assert.StartsWith("line 7: rijnmond 2026 is in the file twice", p));
    }

    [Fact]
    public void AFileWithOnlyAHeader_IsRefused() =>
        Assert.Single(RegionPopulation.Read("regio;jaar;kinderen\n", Regions).Problems);
}
