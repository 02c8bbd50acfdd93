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

        var reading = RegionPopulation.Read(file, Regions, 2026);

        Assert.Empty(reading.Problems);
        Assert.Equal([new("rijnmond", 2026, 236_400), new("groningen", 2025, 103_600), new("zuid-limburg", 2026, 84_100)], reading.Lines);
    }

    [Fact]
    public void AFileWithAnUnknownRegionABadYearOrABadCount_NamesEachLine()
    {
        const string file = "regio;jaar;kinderen\nAtlantis;2026;100\nRijnmond;vorig jaar;100\nGroningen;2026;-5\nGroningen;2026;0\nRijnmond;2026;1\nRijnmond;2026;2\n";

        var reading = RegionPopulation.Read(file, Regions, 2026);

        Assert.Collection(reading.Problems,
            p => Assert.StartsWith("line 2: 'Atlantis'", p),
            p => Assert.StartsWith("line 3: 'vorig jaar'", p),
            p => Assert.StartsWith("line 4: '-5'", p),
            p => Assert.StartsWith("line 5: '0'", p),
            p => Assert.StartsWith("line 7: rijnmond 2026 is in the file twice", p));
    }

    [Fact]
    public void AFileWithoutAHeader_IsReadFromItsFirstLine_AndANonBreakingSpaceIsAThousandsSeparator()
    {
        var reading = RegionPopulation.Read("Rijnmond;2026;236\u00A0400\nGroningen;2026;103600\n", Regions, 2026);

        Assert.Empty(reading.Problems);
        Assert.Equal([new("rijnmond", 2026, 236_400), new("groningen", 2026, 103_600)], reading.Lines);
    }

    [Theory]
    [InlineData("Rijnmond;2026;45.6")]
    [InlineData("Rijnmond;2026;1.2.3")]
    [InlineData("Rijnmond;2026;1500000000")]
    [InlineData("Rijnmond;2106;236400")]
    [InlineData("Rijnmond;2019;236400")]
    public void ANumberInAnotherUnit_OrAYearFarFromNow_IsRefused(string line) =>
        Assert.Single(RegionPopulation.Read($"regio;jaar;kinderen\n{line}\n", Regions, 2026).Problems);

    [Fact]
    public void ControlCharactersOfAHostileFile_NeverReachTheOperatorsTerminal()
    {
        var reading = RegionPopulation.Read("regio;jaar;kinderen\n\u001b]0;pwned\u0007Atlantis;2026;5\n", Regions, 2026);

        Assert.DoesNotContain(reading.Problems, p => p.Any(char.IsControl));
    }

    [Fact]
    public void AFileOfJunk_StopsAfterAHundredProblems() =>
        Assert.Equal(RegionPopulation.MaxProblems, RegionPopulation.Read(string.Concat(Enumerable.Repeat("x;y;z\n", 100_000)), Regions, 2026).Problems.Count);

    [Fact]
    public void AFileWithOnlyAHeader_IsRefused() =>
        Assert.Single(RegionPopulation.Read("regio;jaar;kinderen\n", Regions, 2026).Problems);
}
